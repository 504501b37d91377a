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

    /// <summary>GetConnectionInfo's answer. <see cref="ExposedPort"/> is null until the room is active.</summary>
    public class ConnectionInfoV2
    {
        public List<ExposedPort> AdditionalExposedPorts { get; set; }
        public ExposedPort ExposedPort { get; set; }
        public string RoomId { get; set; }
        public RoomReadyStatus Status { get; set; }

        /// <summary>The wire value, e.g. "starting", also for values this package does not know. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }

    /// <summary>CreateRoom's answer: connection info plus the process the room was scheduled on.</summary>
    public class RoomConnectionData
    {
        public List<ExposedPort> AdditionalExposedPorts { get; set; }
        public ExposedPort ExposedPort { get; set; }
        public string ProcessId { get; set; }
        public string RoomId { get; set; }
        public RoomReadyStatus Status { get; set; }

        /// <summary>The wire value of <see cref="Status"/>. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }

    /// <summary>ResumeRoom's answer; <see cref="ProcessId"/> may be null.</summary>
    public class RoomAllocationData
    {
        public List<ExposedPort> AdditionalExposedPorts { get; set; }
        public ExposedPort ExposedPort { get; set; }
        public string ProcessId { get; set; }
        public string RoomId { get; set; }
        public RoomReadyStatus Status { get; set; }

        /// <summary>The wire value of <see cref="Status"/>. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }
}
