// The official SDK's DiscoveryV2 usage (its docs/sdks/discoveryv2 page: a bare HathoraCloudSDK,
// then GetPingServiceEndpointsAsync in a using block), filled in only with `serverUrl:` (a
// loopback server the test starts) and "// handle response" handing the response to the test.
using HathoraCloud;
using HathoraCloud.Models.Shared;
using HathoraCloud.Models.Operations;
using System.Threading.Tasks;

namespace SeedSnippets
{
    public static class GetPingServiceEndpointsSnippet
    {
        public static async Task<GetPingServiceEndpointsResponse> Run(string serverUrl)
        {
            GetPingServiceEndpointsResponse handled = null;
            var sdk = new HathoraCloudSDK(serverUrl: serverUrl);

            using (var res = await sdk.DiscoveryV2.GetPingServiceEndpointsAsync())
            {
                // handle response
                handled = res;
            }
            return handled;
        }
    }
}
