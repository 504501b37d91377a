using System.Threading.Tasks;
using Hathora.Rooms;
using HathoraCloud.Internal;
using HathoraCloud.Models.Errors;
using HathoraCloud.Models.Operations;

namespace HathoraCloud
{
    /// <summary>
    /// DiscoveryV2 as in the official SDK: the regions' ping endpoints. Every failure surfaces when
    /// the task is awaited: <see cref="SDKException"/> for any 4xx/5xx (the official SDK declares
    /// no error status for it), and the library's own exceptions otherwise (see
    /// <see cref="IRoomsV2"/>). To measure the regions themselves, see
    /// <see cref="HathoraRoomsClient.PingRegionsAsync"/>.
    /// </summary>
    public interface IDiscoveryV2
    {
        /// <summary>Every region with the host and port of its UDP echo beacon. Sends no token; needs no app id.</summary>
        Task<GetPingServiceEndpointsResponse> GetPingServiceEndpointsAsync();
    }

    /// <summary>DiscoveryV2 over <see cref="HathoraRoomsClient"/>; see <see cref="IDiscoveryV2"/>.</summary>
    public class DiscoveryV2 : IDiscoveryV2
    {
        readonly ClientSource clients;

        internal DiscoveryV2(ClientSource clients)
        {
            this.clients = clients;
        }

        public async Task<GetPingServiceEndpointsResponse> GetPingServiceEndpointsAsync()
        {
            HathoraResponse<System.Collections.Generic.IReadOnlyList<PingEndpoint>> r;
            try
            {
                r = await clients.Next().GetPingServiceEndpointsAsync().ConfigureAwait(false);
            }
            catch (HathoraApiException e)
            {
                var raw = new HathoraResponse(e.StatusCode, e.RawBody, e.Attempts, e.RequestId);
                throw new SDKException("API error occurred: HTTP " + e.StatusCode + ": " + e.ApiMessage, e.StatusCode, e.RawBody, raw, e);
            }
            return new GetPingServiceEndpointsResponse
            {
                PingEndpoints = ModelConverter.PingEndpoints(r.Value),
                StatusCode = r.StatusCode,
                ContentType = string.IsNullOrEmpty(r.RawBody) ? null : "application/json",
                RawResponse = r,
            };
        }
    }
}
