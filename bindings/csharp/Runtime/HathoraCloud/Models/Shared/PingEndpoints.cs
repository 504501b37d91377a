namespace HathoraCloud.Models.Shared
{
    /// <summary>DiscoveryV2's answer: one region's UDP echo beacon, as in the official SDK.</summary>
    public class PingEndpoints
    {
        public string Host { get; set; }

        /// <summary>A double, as in the official SDK (the API's JSON number); always a whole port.</summary>
        public double Port { get; set; }

        public Region Region { get; set; }

        /// <summary>The region's wire name, e.g. "Sao_Paulo"; the only name of a region this package does not know. Not in the official SDK.</summary>
        public string RegionRaw { get; set; }
    }
}
