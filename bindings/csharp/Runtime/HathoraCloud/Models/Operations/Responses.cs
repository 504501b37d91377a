using System;
using System.Collections.Generic;
using HathoraResponse = Hathora.Rooms.HathoraResponse;
using HathoraCloud.Models.Shared;

namespace HathoraCloud.Models.Operations
{
    /// <summary>
    /// What every response has. <see cref="RawResponse"/> is not a UnityWebRequest as in the
    /// official SDK: it is the library's <see cref="HathoraResponse"/> (status, body text,
    /// attempts made, request id). Dispose is harmless and frees nothing: the data was copied out
    /// of the native result before the task completed.
    /// </summary>
    public abstract class HathoraCloudResponse : IDisposable
    {
        /// <summary>"application/json" when the answer had a body (the library decodes JSON only), else null.</summary>
        public string ContentType { get; set; }

        /// <summary>HTTP status of the answer, e.g. 201 or 204.</summary>
        public int StatusCode { get; set; }

        public HathoraResponse RawResponse { get; set; }

        public void Dispose()
        {
        }
    }

    public class CreateRoomResponse : HathoraCloudResponse
    {
        public RoomConnectionData RoomConnectionData { get; set; }
    }

    public class GetConnectionInfoResponse : HathoraCloudResponse
    {
        public ConnectionInfoV2 ConnectionInfoV2 { get; set; }
    }

    public class GetRoomInfoResponse : HathoraCloudResponse
    {
        public Room Room { get; set; }
    }

    public class GetActiveRoomsForProcessResponse : HathoraCloudResponse
    {
        public List<RoomWithoutAllocations> Classes { get; set; }
    }

    public class GetInactiveRoomsForProcessResponse : HathoraCloudResponse
    {
        public List<RoomWithoutAllocations> Classes { get; set; }
    }

    public class ResumeRoomResponse : HathoraCloudResponse
    {
        public RoomAllocationData RoomAllocationData { get; set; }
    }

    /// <summary>DiscoveryV2 GetPingServiceEndpoints.</summary>
    public class GetPingServiceEndpointsResponse : HathoraCloudResponse
    {
        public List<PingEndpoints> PingEndpoints { get; set; }
    }

    public class DestroyRoomResponse : HathoraCloudResponse
    {
    }

    public class SuspendRoomV2DeprecatedResponse : HathoraCloudResponse
    {
    }

    public class UpdateRoomConfigResponse : HathoraCloudResponse
    {
    }
}
