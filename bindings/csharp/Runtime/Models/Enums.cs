using Hathora.Rooms.Native;

namespace Hathora.Rooms
{
    /// <summary>A Hathora region. For a region newer than this package, set <see cref="CreateRoomParams.RegionName"/>.</summary>
    public enum Region
    {
        Unknown = 0,
        Seattle = 1,
        LosAngeles = 2,
        WashingtonDC = 3,
        Chicago = 4,
        London = 5,
        Frankfurt = 6,
        Mumbai = 7,
        Singapore = 8,
        Tokyo = 9,
        Sydney = 10,
        SaoPaulo = 11,
        Dallas = 12,
        Johannesburg = 13,
        Dubai = 14,
    }

    /// <summary>Status of a room. Unknown for a value newer than this package (see the StatusRaw property).</summary>
    public enum RoomStatus
    {
        Unknown = 0,
        Scheduling = 1,
        Active = 2,
        Suspended = 3,
        Destroyed = 4,
    }

    /// <summary>Readiness in connection info. Unknown for a value newer than this package (see StatusRaw).</summary>
    public enum RoomReadyStatus
    {
        Unknown = 0,
        Starting = 1,
        Active = 2,
    }

    /// <summary>Transport of an exposed port. Unknown for a value newer than this package (see TransportTypeRaw).</summary>
    public enum TransportType
    {
        Unknown = 0,
        Tcp = 1,
        Udp = 2,
        Tls = 3,
    }

    public static unsafe class RegionExtensions
    {
        /// <summary>The wire name, e.g. "Sao_Paulo"; null for <see cref="Region.Unknown"/>.</summary>
        public static string WireName(this Region region)
        {
            return Interop.Utf8.Decode(NativeMethods.hathora_region_name((uint)region));
        }

        // The region of a wire name; Unknown for a name the native library does not know.
        internal static Region FromWireName(string wireName)
        {
            for (uint i = 1; ; i++)
            {
                string name = Interop.Utf8.Decode(NativeMethods.hathora_region_name(i));
                if (name == null || name == wireName)
                {
                    return name == null ? Region.Unknown : (Region)i;
                }
            }
        }
    }
}
