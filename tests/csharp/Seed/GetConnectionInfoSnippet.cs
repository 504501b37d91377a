// The seed page's GetConnectionInfo snippet (shared/seed/roomsv2-csharp-sdk-reference.txt), as written.
// Filled in only with the emulator's token and app id, `serverUrl:` (the emulator's address),
// and "// handle response" hands the response to the test (SeedSnippetTests asserts on it).
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class GetConnectionInfoSnippet
    {
        public static async Task<GetConnectionInfoResponse> Run(string serverUrl)
        {
            GetConnectionInfoResponse handled = null;
            var sdk = new HathoraCloudSDK(appId: "app-emulator", serverUrl: serverUrl);

            GetConnectionInfoRequest req = new GetConnectionInfoRequest() {
                RoomId = "2swovpy1fnunu",
            };

            using (var res = await sdk.RoomsV2.GetConnectionInfoAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
