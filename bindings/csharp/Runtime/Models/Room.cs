using System;
using System.Collections.Generic;

namespace Hathora.Rooms
{
    /// <summary>RoomAllocation: one scheduling of a room on a process.</summary>
    public sealed class RoomAllocation
    {
        public RoomAllocation(string roomAllocationId, string processId, DateTimeOffset scheduledAt, DateTimeOffset? unscheduledAt)
        {
            RoomAllocationId = roomAllocationId;
            ProcessId = processId;
            ScheduledAt = scheduledAt;
            UnscheduledAt = unscheduledAt;
        }

        public string RoomAllocationId { get; private set; }
        public string ProcessId { get; private set; }
        public DateTimeOffset ScheduledAt { get; private set; }

        /// <summary>Null while the allocation is current.</summary>
        public DateTimeOffset? UnscheduledAt { get; private set; }
    }

    /// <summary>RoomWithoutAllocations: an entry of GetActiveRoomsForProcess and GetInactiveRoomsForProcess.</summary>
    public class RoomWithoutAllocations
    {
        public RoomWithoutAllocations(string appId, string roomId, RoomStatus status, string statusRaw, string roomConfig, RoomAllocation currentAllocation)
        {
            AppId = appId;
            RoomId = roomId;
            Status = status;
            StatusRaw = statusRaw;
            RoomConfig = roomConfig;
            CurrentAllocation = currentAllocation;
        }

        public string AppId { get; private set; }
        public string RoomId { get; private set; }
        public RoomStatus Status { get; private set; }

        /// <summary>The wire value, e.g. "active"; kept for values this package does not know.</summary>
        public string StatusRaw { get; private set; }

        /// <summary>Null when the room has no config.</summary>
        public string RoomConfig { get; private set; }

        /// <summary>Null when the room is not scheduled (suspended or destroyed).</summary>
        public RoomAllocation CurrentAllocation { get; private set; }
    }

    /// <summary>Room: the answer of GetRoomInfo, with every allocation the room has had.</summary>
    public sealed class Room : RoomWithoutAllocations
    {
        public Room(string appId, string roomId, RoomStatus status, string statusRaw, string roomConfig, RoomAllocation currentAllocation, IList<RoomAllocation> allocations)
            : base(appId, roomId, status, statusRaw, roomConfig, currentAllocation)
        {
            Allocations = new List<RoomAllocation>(allocations).AsReadOnly();
        }

        public IReadOnlyList<RoomAllocation> Allocations { get; private set; }
    }
}
