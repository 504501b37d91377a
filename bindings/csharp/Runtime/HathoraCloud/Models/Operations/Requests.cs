using HathoraCloud.Models.Shared;

namespace HathoraCloud.Models.Operations
{
    // One request class per operation, as in the official SDK. AppId, when set, overrides the
    // HathoraCloudSDK's app id for that call.

    public class CreateRoomRequest
    {
        public string AppId { get; set; }
        public CreateRoomParams CreateRoomParams { get; set; }

        /// <summary>Null: the library generates one (so a retry never creates a second room).</summary>
        public string RoomId { get; set; }
    }

    public class DestroyRoomRequest
    {
        public string AppId { get; set; }
        public string RoomId { get; set; }
    }

    public class GetConnectionInfoRequest
    {
        public string AppId { get; set; }
        public string RoomId { get; set; }
    }

    public class GetRoomInfoRequest
    {
        public string AppId { get; set; }
        public string RoomId { get; set; }
    }

    public class ResumeRoomRequest
    {
        public string AppId { get; set; }
        public string RoomId { get; set; }
    }

    /// <summary>Deprecated by Hathora (the operation will be removed in a future release).</summary>
    public class SuspendRoomV2DeprecatedRequest
    {
        public string AppId { get; set; }
        public string RoomId { get; set; }
    }

    public class GetActiveRoomsForProcessRequest
    {
        public string AppId { get; set; }

        /// <summary>Null on an SDK built from a game server's context: that process.</summary>
        public string ProcessId { get; set; }
    }

    public class GetInactiveRoomsForProcessRequest
    {
        public string AppId { get; set; }
        public string ProcessId { get; set; }
    }

    public class UpdateRoomConfigRequest
    {
        public string AppId { get; set; }
        public UpdateRoomConfigParams UpdateRoomConfigParams { get; set; }
        public string RoomId { get; set; }
    }
}
