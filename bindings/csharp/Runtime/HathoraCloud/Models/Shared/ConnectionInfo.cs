using System.Collections.Generic;

namespace HathoraCloud.Models.Shared
{
    /// <summary>Where a game client connects.</summary>
    public class ExposedPort
    {
        public string Host { get; set; }
        public string Name { get; set; }
        public int Port { get; set; }
        public TransportType TransportType { get; set; }

        /// <summary>The wire value, e.g. "udp", also for values this package does not know. Not in the official SDK.</summary>
        public string TransportTypeRaw { get; set; }
    }

    /// <summary>
    /// What <see cref="ConnectionInfoV2"/>, <see cref="RoomConnectionData"/> and
    /// <see cref="RoomAllocationData"/> have in common. Not in the official SDK, whose three
    /// classes each repeat these properties, with these names and types.
    /// </summary>
    public abstract class ConnectionInfoBase
    {
        public List<ExposedPort> AdditionalExposedPorts { get; set; }

        /// <summary>Null until the room is active.</summary>
        public ExposedPort ExposedPort { get; set; }

        public string RoomId { get; set; }
        public RoomReadyStatus Status { get; set; }

        /// <summary>The wire value, e.g. "starting", also for values this package does not know. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }

    /// <summary>GetConnectionInfo's answer.</summary>
    public class ConnectionInfoV2 : ConnectionInfoBase
    {
    }

    /// <summary>CreateRoom's answer: connection info plus the process the room was scheduled on.</summary>
    public class RoomConnectionData : ConnectionInfoBase
    {
        public string ProcessId { get; set; }
    }

    /// <summary>ResumeRoom's answer; <see cref="ProcessId"/> may be null.</summary>
    public class RoomAllocationData : ConnectionInfoBase
    {
        public string ProcessId { get; set; }
    }
}
