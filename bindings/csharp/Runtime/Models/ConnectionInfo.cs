using System.Collections.Generic;

namespace Hathora.Rooms
{
    /// <summary>ExposedPort: where a game client connects.</summary>
    public sealed class ExposedPort
    {
        public ExposedPort(TransportType transportType, string transportTypeRaw, int port, string host, string name)
        {
            TransportType = transportType;
            TransportTypeRaw = transportTypeRaw;
            Port = port;
            Host = host;
            Name = name;
        }

        public TransportType TransportType { get; private set; }

        /// <summary>The wire value, e.g. "udp"; kept for values this package does not know.</summary>
        public string TransportTypeRaw { get; private set; }

        public int Port { get; private set; }
        public string Host { get; private set; }
        public string Name { get; private set; }

        public override string ToString()
        {
            return Host + ":" + Port + " (" + TransportTypeRaw + ")";
        }
    }

    /// <summary>ConnectionInfoV2: the answer of GetConnectionInfo and WaitUntilActive.</summary>
    public class ConnectionInfoV2
    {
        public ConnectionInfoV2(string roomId, RoomReadyStatus status, string statusRaw, ExposedPort exposedPort, IList<ExposedPort> additionalExposedPorts)
        {
            RoomId = roomId;
            Status = status;
            StatusRaw = statusRaw;
            ExposedPort = exposedPort;
            AdditionalExposedPorts = new List<ExposedPort>(additionalExposedPorts).AsReadOnly();
        }

        public string RoomId { get; private set; }
        public RoomReadyStatus Status { get; private set; }

        /// <summary>The wire value, e.g. "starting"; kept for values this package does not know.</summary>
        public string StatusRaw { get; private set; }

        /// <summary>Null until the room is active.</summary>
        public ExposedPort ExposedPort { get; private set; }

        public IReadOnlyList<ExposedPort> AdditionalExposedPorts { get; private set; }
    }

    /// <summary>
    /// RoomConnectionData (CreateRoom) or RoomAllocationData (ResumeRoom): connection info plus the
    /// process the room was scheduled on.
    /// </summary>
    public sealed class RoomConnectionData : ConnectionInfoV2
    {
        public RoomConnectionData(string roomId, string processId, RoomReadyStatus status, string statusRaw, ExposedPort exposedPort, IList<ExposedPort> additionalExposedPorts)
            : base(roomId, status, statusRaw, exposedPort, additionalExposedPorts)
        {
            ProcessId = processId;
        }

        /// <summary>May be null for ResumeRoom, whose answer makes it optional.</summary>
        public string ProcessId { get; private set; }
    }
}
