namespace HathoraCloud.Models.Shared
{
    /// <summary>
    /// A Hathora region, with the official SDK's member names. The wire value differs for three of
    /// them (LosAngeles is "Los_Angeles", WashingtonDC "Washington_DC", SaoPaulo "Sao_Paulo").
    /// Unlike the official SDK's closed enum, a region this package does not know (in a DiscoveryV2
    /// answer) is <see cref="Unknown"/>, its wire name in the model's <c>RegionRaw</c>.
    /// </summary>
    public enum Region
    {
        Seattle,
        LosAngeles,
        WashingtonDC,
        Chicago,
        London,
        Frankfurt,
        Mumbai,
        Singapore,
        Tokyo,
        Sydney,
        SaoPaulo,
        Dallas,
        Johannesburg,
        Dubai,
        /// <summary>Not one of the values above; see the model's RegionRaw. Not in the official SDK.</summary>
        Unknown = -1,
    }

    /// <summary>
    /// Status of a room. Unlike the official SDK's closed enum, a value this package does not know
    /// (e.g. "suspended", or one Hathora adds later) decodes as <see cref="Unknown"/> and the wire
    /// value stays readable in the model's <c>StatusRaw</c>.
    /// </summary>
    public enum RoomStatus
    {
        Scheduling,
        Active,
        Destroyed,
        /// <summary>Not one of the values above; see the model's StatusRaw. Not in the official SDK.</summary>
        Unknown = -1,
    }

    /// <summary>Readiness of a room's connection info. Unknown values: see <see cref="RoomStatus"/>.</summary>
    public enum RoomReadyStatus
    {
        Active,
        Starting,
        /// <summary>Not one of the values above; see the model's StatusRaw. Not in the official SDK.</summary>
        Unknown = -1,
    }

    /// <summary>Transport of an exposed port. Unknown values: see <see cref="RoomStatus"/>.</summary>
    public enum TransportType
    {
        Tcp,
        Udp,
        Tls,
        /// <summary>Not one of the values above; see ExposedPort.TransportTypeRaw. Not in the official SDK.</summary>
        Unknown = -1,
    }
}
