// The seed page's GetActiveRoomsForProcess snippet (shared/seed/roomsv2-csharp-sdk-reference.txt), as written.
// Filled in only with the emulator's token and app id, `serverUrl:` (the emulator's address) and
// the process id of the room the test created (the page's placeholder
// "cbfcddd2-0006-43ae-996c-995fff7bed2e" stays the default: the emulator answers 404 for it),
// and "// handle response" hands the response to the test (SeedSnippetTests asserts on it).
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class GetActiveRoomsForProcessSnippet
    {
        public static async Task<GetActiveRoomsForProcessResponse> Run(string serverUrl, string processId = "cbfcddd2-0006-43ae-996c-995fff7bed2e")
        {
            GetActiveRoomsForProcessResponse handled = null;
            var sdk = new HathoraCloudSDK(
                security: new Security() {
                    HathoraDevToken = "emulator-dev-token",
                },
                appId: "app-emulator", serverUrl: serverUrl);

            GetActiveRoomsForProcessRequest req = new GetActiveRoomsForProcessRequest() {
                ProcessId = processId,
            };

            using (var res = await sdk.RoomsV2.GetActiveRoomsForProcessAsync(req))
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
