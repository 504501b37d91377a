// ResumeRoom is newer than the seed page, which has no snippet for it: this one is written in the
// same shape as the page's SuspendRoomV2Deprecated snippet, against the emulator.
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class ResumeRoomSnippet
    {
        public static async Task<ResumeRoomResponse> Run(string serverUrl)
        {
            ResumeRoomResponse handled = null;
            var sdk = new HathoraCloudSDK(
                security: new Security() {
                    HathoraDevToken = "emulator-dev-token",
                },
                appId: "app-emulator", serverUrl: serverUrl);

            ResumeRoomRequest req = new ResumeRoomRequest() {
                RoomId = "2swovpy1fnunu",
            };

            using (var res = await sdk.RoomsV2.ResumeRoomAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
