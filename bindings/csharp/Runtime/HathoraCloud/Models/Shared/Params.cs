using System.Collections.Generic;

namespace HathoraCloud.Models.Shared
{
    /// <summary>The body of CreateRoom.</summary>
    public class CreateRoomParams
    {
        public Region Region { get; set; }

        /// <summary>Any string the room reads back through GetRoomInfo (at most 10,000 characters).</summary>
        public string RoomConfig { get; set; }

        public string DeploymentId { get; set; }

        /// <summary>Client IP addresses to let through the DDoS protection.</summary>
        public List<string> ClientIPs { get; set; }
    }

    /// <summary>The body of UpdateRoomConfig.</summary>
    public class UpdateRoomConfigParams
    {
        public string RoomConfig { get; set; }
    }
}
