// The seed page's CreateRoom snippet (shared/seed/roomsv2-csharp-sdk-reference.txt), as written.
// Filled in only with the emulator's token and app id, `serverUrl:` (the emulator's address),
// and "// handle response" hands the response to the test (SeedSnippetTests asserts on it).
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class CreateRoomSnippet
    {
        public static async Task<CreateRoomResponse> Run(string serverUrl)
        {
            CreateRoomResponse handled = null;
            var sdk = new HathoraCloudSDK(
                security: new Security() {
                    HathoraDevToken = "emulator-dev-token",
                },
                appId: "app-emulator", serverUrl: serverUrl);

            CreateRoomRequest req = new CreateRoomRequest() {
                CreateRoomParams = new CreateRoomParams() {
                    Region = Region.SaoPaulo,
                    RoomConfig = "{\"name\":\"my-room\"}",
                },
                RoomId = "2swovpy1fnunu",
            };

            using (var res = await sdk.RoomsV2.CreateRoomAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
