using System.Collections.Generic;

namespace Hathora.Rooms
{
    /// <summary>The body of CreateRoom, as in the HathoraCloud SDK.</summary>
    public sealed class CreateRoomParams
    {
        public Region Region { get; set; }

        /// <summary>
        /// Wire name of the region (e.g. "Sao_Paulo"). When set it is sent instead of
        /// <see cref="Region"/>, so regions Hathora adds later work without a new package.
        /// </summary>
        public string RegionName { get; set; }

        /// <summary>Any string the room reads back through GetRoomInfo (at most 10,000 characters).</summary>
        public string RoomConfig { get; set; }

        public string DeploymentId { get; set; }

        /// <summary>Client IP addresses to let through the DDoS protection.</summary>
        public IList<string> ClientIPs { get; set; }
    }
}
