using System;
using System.Collections.Generic;
using System.Linq;
using HathoraCloud.Models.Operations;
using SeedSnippets;
using S = HathoraCloud.Models.Shared;

namespace Hathora.Rooms.Tests
{
    // DiscoveryV2 and region pings against hathora-rooms-server's own beacons (run.sh starts the
    // server of its HTTPS pass and of its real-process pass with a --beacon for each region of
    // HATHORA_TEST_BEACON_REGIONS): the official SDK's sdk.DiscoveryV2.GetPingServiceEndpointsAsync()
    // lists them, and PingRegionsAsync with no endpoints of its own asks DiscoveryV2, pings every
    // beacon and reports each region answered with a round trip.
    internal static class BeaconTests
    {
        public static void Register(TestRunner r, Fixture f, string[] regions)
        {
            r.Add("beacons_discovery_v2_and_region_pings_on_the_rooms_server", () =>
            {
                string expected = string.Join(",", regions);
                // The official SDK's usage, as its docs page writes it.
                GetPingServiceEndpointsResponse listed = Assert.Result(GetPingServiceEndpointsSnippet.Run(f.ApiUrl));
                Assert.Equal(200, listed.StatusCode, "DiscoveryV2 status");
                List<S.PingEndpoints> endpoints = Assert.NotNull(listed.PingEndpoints, "PingEndpoints");
                Assert.Equal(expected, string.Join(",", endpoints.Select(e => e.RegionRaw)), "the regions listed, in order");
                foreach (S.PingEndpoints e in endpoints)
                {
                    Assert.Equal(e.RegionRaw, e.Region.ToString(), "a known region: " + e.RegionRaw);
                    Assert.Equal("127.0.0.1", e.Host, "host of " + e.RegionRaw);
                    Assert.True(e.Port > 0 && e.Port < 65536, "port of " + e.RegionRaw + ": " + e.Port);
                }

                using (HathoraRoomsClient client = f.Client())
                {
                    var pinged = Assert.Result(client.PingRegionsAsync(new PingOptions { Rounds = 3 }));
                    Assert.Equal(200, pinged.StatusCode, "DiscoveryV2's status, under the pings");
                    IReadOnlyList<RegionPing> pings = pinged.Value;
                    Assert.Equal(expected, string.Join(",", pings.Select(p => p.RegionRaw)), "the regions pinged, in order");
                    for (int i = 0; i < pings.Count; i++)
                    {
                        RegionPing p = pings[i];
                        string what = p.ToString();
                        Assert.Equal(endpoints[i].Port, (double)p.Port, "the beacon DiscoveryV2 named: " + what);
                        Assert.Equal(3, p.Sent, "pings sent: " + what);
                        Assert.True(p.Answered >= 1 && p.Answered <= 3, "answered by the beacon: " + what);
                        Assert.True(p.MinRtt.HasValue && p.MinRtt.Value > TimeSpan.Zero && p.MinRtt.Value < TimeSpan.FromSeconds(1),
                            "a round trip within the 1 s timeout: " + what);
                        Assert.True(p.Failure == null, "no failure: " + what);
                    }
                }
            });
        }
    }
}
