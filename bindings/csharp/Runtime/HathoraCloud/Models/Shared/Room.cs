using System;
using System.Collections.Generic;

namespace HathoraCloud.Models.Shared
{
    /// <summary>
    /// What <see cref="RoomAllocation"/>, <see cref="CurrentAllocation"/> and
    /// <see cref="RoomWithoutAllocationsCurrentAllocation"/> have in common: all of it, as in the
    /// official SDK, whose three classes each repeat these properties with these names and types.
    /// Not in the official SDK. Times are UTC (DateTimeKind.Utc), from the API's ISO-8601 timestamps.
    /// </summary>
    public abstract class AllocationBase
    {
        public string ProcessId { get; set; }
        public string RoomAllocationId { get; set; }
        public DateTime ScheduledAt { get; set; }

        /// <summary>Null while the allocation is current.</summary>
        public DateTime? UnscheduledAt { get; set; }
    }

    /// <summary>One scheduling of a room on a process (an entry of <see cref="Room.Allocations"/>).</summary>
    public class RoomAllocation : AllocationBase
    {
    }

    /// <summary>The allocation a <see cref="Room"/> is scheduled on now.</summary>
    public class CurrentAllocation : AllocationBase
    {
    }

    /// <summary>The allocation a <see cref="RoomWithoutAllocations"/> is scheduled on now.</summary>
    public class RoomWithoutAllocationsCurrentAllocation : AllocationBase
    {
    }

    /// <summary>GetRoomInfo's answer, with every allocation the room has had.</summary>
    public class Room
    {
        public List<RoomAllocation> Allocations { get; set; }
        public string AppId { get; set; }

        /// <summary>Null when the room is not scheduled (suspended or destroyed).</summary>
        public CurrentAllocation CurrentAllocation { get; set; }

        public string RoomConfig { get; set; }
        public string RoomId { get; set; }
        public RoomStatus Status { get; set; }

        /// <summary>The wire value, e.g. "active" or "suspended", also for values this package does not know. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }

    /// <summary>An entry of GetActiveRoomsForProcess and GetInactiveRoomsForProcess.</summary>
    public class RoomWithoutAllocations
    {
        public string AppId { get; set; }

        /// <summary>Null when the room is not scheduled (suspended or destroyed).</summary>
        public RoomWithoutAllocationsCurrentAllocation CurrentAllocation { get; set; }

        public string RoomConfig { get; set; }
        public string RoomId { get; set; }
        public RoomStatus Status { get; set; }

        /// <summary>The wire value of <see cref="Status"/>. Not in the official SDK.</summary>
        public string StatusRaw { get; set; }
    }
}
