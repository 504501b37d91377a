// The seed page's SuspendRoomV2Deprecated snippet (shared/seed/roomsv2-csharp-sdk-reference.txt), as written.
// Filled in only with the emulator's token and app id, `serverUrl:` (the emulator's address),
// and "// handle response" hands the response to the test (SeedSnippetTests asserts on it).
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class SuspendRoomV2DeprecatedSnippet
    {
        public static async Task<SuspendRoomV2DeprecatedResponse> Run(string serverUrl)
        {
            SuspendRoomV2DeprecatedResponse handled = null;
            var sdk = new HathoraCloudSDK(
                security: new Security() {
                    HathoraDevToken = "emulator-dev-token",
                },
                appId: "app-emulator", serverUrl: serverUrl);

            SuspendRoomV2DeprecatedRequest req = new SuspendRoomV2DeprecatedRequest() {
                RoomId = "2swovpy1fnunu",
            };

            using (var res = await sdk.RoomsV2.SuspendRoomV2DeprecatedAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
