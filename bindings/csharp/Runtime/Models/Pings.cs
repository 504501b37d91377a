using System;
using System.Collections.Generic;

namespace Hathora.Rooms
{
    /// <summary>
    /// DiscoveryV2's PingEndpoints: one region's UDP echo beacon. Also an endpoint of your own to
    /// measure (<see cref="PingOptions.Endpoints"/>): any region name.
    /// </summary>
    public sealed class PingEndpoint
    {
        public PingEndpoint(string regionRaw, string host, int port)
        {
            RegionRaw = regionRaw;
            Host = host;
            Port = port;
        }

        /// <summary>Unknown for a region this package does not know (see <see cref="RegionRaw"/>).</summary>
        public Region Region
        {
            get { return RegionExtensions.FromWireName(RegionRaw); }
        }

        /// <summary>The region's wire name, e.g. "Sao_Paulo", or a name of your own.</summary>
        public string RegionRaw { get; private set; }

        public string Host { get; private set; }
        public int Port { get; private set; }

        public override string ToString()
        {
            return RegionRaw + " " + Host + ":" + Port;
        }
    }

    /// <summary>One endpoint's round trips, from <see cref="HathoraRoomsClient.PingRegionsAsync"/>.</summary>
    public sealed class RegionPing
    {
        public RegionPing(Region region, string regionRaw, string host, int port, string address, TimeSpan? minRtt, int sent, int answered, string failure)
        {
            Region = region;
            RegionRaw = regionRaw;
            Host = host;
            Port = port;
            Address = address;
            MinRtt = minRtt;
            Sent = sent;
            Answered = answered;
            Failure = failure;
        }

        /// <summary>Unknown for a region this package does not know (see <see cref="RegionRaw"/>).</summary>
        public Region Region { get; private set; }

        /// <summary>The region's name as given (DiscoveryV2's wire name, or your own).</summary>
        public string RegionRaw { get; private set; }

        public string Host { get; private set; }
        public int Port { get; private set; }

        /// <summary>The address pinged; null when the host had no usable address (see <see cref="Failure"/>).</summary>
        public string Address { get; private set; }

        /// <summary>The shortest round trip of the answered rounds; null when none was answered (never zero for silence).</summary>
        public TimeSpan? MinRtt { get; private set; }

        /// <summary>Datagrams sent: the rounds asked for, unless some could not be sent.</summary>
        public int Sent { get; private set; }

        /// <summary>Rounds whose own echo came back in time, each counted once.</summary>
        public int Answered { get; private set; }

        /// <summary>Why fewer datagrams than rounds went out (a name that did not resolve...); null otherwise.</summary>
        public string Failure { get; private set; }

        public override string ToString()
        {
            return RegionRaw + ": " + (MinRtt.HasValue ? MinRtt.Value.TotalMilliseconds.ToString("0.###") + " ms" : "no answer") +
                   " (" + Answered + "/" + Sent + ")";
        }
    }

    /// <summary>How <see cref="HathoraRoomsClient.PingRegionsAsync"/> measures; a null property keeps the library's default.</summary>
    public sealed class PingOptions
    {
        /// <summary>Datagrams per endpoint, one after the other (1 to 100; default 3).</summary>
        public int? Rounds { get; set; }

        /// <summary>How long each datagram's echo is awaited (default 1 s, at most 60 s).</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>How long the name lookups, all at once, are awaited (default 2 s, at most 60 s).</summary>
        public TimeSpan? LookupTimeout { get; set; }

        /// <summary>The endpoints to measure; null or empty: DiscoveryV2's list, asked for first.</summary>
        public IList<PingEndpoint> Endpoints { get; set; }
    }
}
