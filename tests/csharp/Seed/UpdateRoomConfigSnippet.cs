// The seed page's UpdateRoomConfig snippet (shared/seed/roomsv2-csharp-sdk-reference.txt), as written.
// Filled in only with the emulator's token and app id, `serverUrl:` (the emulator's address),
// and "// handle response" hands the response to the test (SeedSnippetTests asserts on it).
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class UpdateRoomConfigSnippet
    {
        public static async Task<UpdateRoomConfigResponse> Run(string serverUrl)
        {
            UpdateRoomConfigResponse handled = null;
            var sdk = new HathoraCloudSDK(
                security: new Security() {
                    HathoraDevToken = "emulator-dev-token",
                },
                appId: "app-emulator", serverUrl: serverUrl);

            UpdateRoomConfigRequest req = new UpdateRoomConfigRequest() {
                UpdateRoomConfigParams = new UpdateRoomConfigParams() {
                    RoomConfig = "{\"name\":\"my-room\"}",
                },
                RoomId = "2swovpy1fnunu",
            };

            using (var res = await sdk.RoomsV2.UpdateRoomConfigAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
