using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using HathoraCloud;
using HathoraCloud.Models.Errors;
using HathoraCloud.Models.Operations;
using SeedSnippets;
using S = HathoraCloud.Models.Shared;

namespace Hathora.Rooms.Tests
{
    // Both ends of a match: a game server's context and its own rooms (the native API and the
    // HathoraCloud layer), DiscoveryV2 (against a loopback server with a list of the test's own;
    // BeaconTests.cs asks the rooms server's) and region pings (against UDP echo beacons of this
    // test's own).
    internal static class GameServerSideTests
    {
        static readonly string[] Variables =
        {
            "HATHORA_PROCESS_ID", "HATHORA_APP_ID", "HATHORA_REGION", "HATHORA_ROOMS_PER_PROCESS",
            "HATHORA_INITIAL_ROOM_ID", "HATHORA_INITIAL_ROOM_CONFIG", "HATHORA_DEFAULT_PORT", "HATHORA_HOSTNAME",
            "HATHORA_DEPLOYMENT_ID", "HATHORA_BUILD_TAG", "HATHORA_BASE_URL", "HATHORA_PROCESS_TOKEN",
        };

        // The C environment the native library reads (Environment.SetEnvironmentVariable may only
        // change the runtime's own copy).
        [DllImport("libc", EntryPoint = "setenv")]
        static extern int SetEnv(string name, string value, int overwrite);

        [DllImport("libc", EntryPoint = "unsetenv")]
        static extern int UnsetEnv(string name);

        // Runs `body` with exactly these HATHORA_* variables set, then removes them all.
        static void WithHostEnvironment(Dictionary<string, string> values, Action body)
        {
            foreach (string name in Variables)
            {
                UnsetEnv(name);
            }
            try
            {
                foreach (KeyValuePair<string, string> v in values)
                {
                    SetEnv(v.Key, v.Value, 1);
                }
                body();
            }
            finally
            {
                foreach (string name in Variables)
                {
                    UnsetEnv(name);
                }
            }
        }

        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("server_context_from_the_environment", () =>
            {
                WithHostEnvironment(new Dictionary<string, string>(), () =>
                {
                    var e = Assert.Caught<HathoraNotUnderHostException>(Task.Run(() => HathoraServerContext.FromEnvironment()));
                    Assert.Equal(Native.HathoraResultCode.NotUnderHost, e.Code, "code outside a host");
                    Assert.Contains("HATHORA_PROCESS_ID", e.Message, "message outside a host");
                });
                var env = new Dictionary<string, string>
                {
                    { "HATHORA_PROCESS_ID", "proc-1" }, { "HATHORA_APP_ID", "app-1" }, { "HATHORA_REGION", "Sao_Paulo" },
                    { "HATHORA_ROOMS_PER_PROCESS", "4" }, { "HATHORA_INITIAL_ROOM_ID", "room-1" },
                    { "HATHORA_INITIAL_ROOM_CONFIG", "{\"map\":\"dust\"}" }, { "HATHORA_DEFAULT_PORT", "7777" },
                    { "HATHORA_HOSTNAME", "1.rooms.example" }, { "HATHORA_DEPLOYMENT_ID", "dep-1" },
                    { "HATHORA_BUILD_TAG", "v1" }, { "HATHORA_BASE_URL", "http://10.0.0.5:8080" },
                    { "HATHORA_PROCESS_TOKEN", "secret-process-token" },
                };
                WithHostEnvironment(env, () =>
                {
                    HathoraServerContext c = HathoraServerContext.FromEnvironment();
                    Assert.Equal("proc-1|app-1|SaoPaulo|Sao_Paulo|4|room-1|{\"map\":\"dust\"}|7777|1.rooms.example|dep-1|v1|http://10.0.0.5:8080|secret-process-token",
                        string.Join("|", c.ProcessId, c.AppId, c.Region, c.RegionRaw, c.RoomsPerProcess, c.InitialRoomId, c.InitialRoomConfig,
                            c.DefaultPort, c.Hostname, c.DeploymentId, c.BuildTag, c.BaseUrl, c.ProcessToken), "every variable");
                    Assert.True(!c.ToString().Contains("secret-process-token"), "ToString shows the token: " + c);
                });
                env["HATHORA_DEFAULT_PORT"] = "http";
                WithHostEnvironment(env, () =>
                {
                    var e = Assert.Caught<HathoraInvalidArgumentException>(Task.Run(() => HathoraServerContext.FromEnvironment()));
                    Assert.Contains("HATHORA_DEFAULT_PORT", e.Message, "a malformed port is named");
                });
            });

            foreach (DispatchMode mode in new[] { DispatchMode.Worker, DispatchMode.Poll })
            {
                DispatchMode m = mode;
                r.Add("rooms_of_this_process_" + m.ToString().ToLowerInvariant(), () =>
                {
                    string roomId = f.RoomId("mine");
                    string processId;
                    using (HathoraRoomsClient admin = f.Client())
                    {
                        processId = f.CreateRoom(admin, roomId, "{\"mode\":\"duel\"}").ProcessId;
                    }
                    // No app id, no dev token: the context gives them (its process token).
                    var options = new HathoraRoomsClientOptions { ServerContext = Context(f, processId), DispatchMode = m };
                    using (var game = new HathoraRoomsClient(options))
                    {
                        IReadOnlyList<RoomWithoutAllocations> rooms = Fixture.PumpResult(game, game.GetRoomsOfThisProcessAsync()).Value;
                        RoomWithoutAllocations mine = Assert.NotNull(rooms.FirstOrDefault(x => x.RoomId == roomId), "the room in the list");
                        Assert.Equal("{\"mode\":\"duel\"}", mine.RoomConfig, "its config");
                    }
                    using (HathoraRoomsClient noContext = f.Client(m))
                    {
                        var refused = Assert.Caught<HathoraInvalidArgumentException>(noContext.GetRoomsOfThisProcessAsync());
                        Assert.Contains("process id", refused.Message, "a client without a context");
                    }
                });
            }

            r.Add("hathora_cloud_sdk_from_a_server_context", () =>
            {
                string roomId = f.RoomId("sdk");
                string processId;
                using (HathoraRoomsClient admin = f.Client())
                {
                    processId = f.CreateRoom(admin, roomId, "{\"mode\":\"ffa\"}").ProcessId;
                }
                var sdk = new HathoraCloudSDK(options: new HathoraRoomsClientOptions { ServerContext = Context(f, processId) });
                try
                {
                    Assert.Equal(Emulator.AppId, sdk.AppId, "the context's app id");
                    Assert.Equal(f.Emulator.Url, sdk.ServerUrl, "the context's base URL");
                    GetActiveRoomsForProcessResponse res = Assert.Result(sdk.RoomsV2.GetActiveRoomsForProcessAsync(new GetActiveRoomsForProcessRequest()));
                    Assert.Equal(200, res.StatusCode, "status");
                    S.RoomWithoutAllocations mine = Assert.NotNull(res.Classes.FirstOrDefault(x => x.RoomId == roomId), "this process's room");
                    Assert.Equal("{\"mode\":\"ffa\"}", mine.RoomConfig, "its config");
                }
                finally
                {
                    sdk.Dispose();
                }
            });

            r.Add("discovery_v2_as_the_official_sdk_spells_it", () =>
            {
                string body = "[{\"region\":\"Seattle\",\"host\":\"ping.example\",\"port\":2000},{\"region\":\"Europa\",\"host\":\"::1\",\"port\":9}]";
                using (var server = new CannedServer(body))
                {
                    GetPingServiceEndpointsResponse res = Assert.Result(GetPingServiceEndpointsSnippet.Run(server.Url));
                    Assert.Equal(200, res.StatusCode, "status");
                    List<S.PingEndpoints> list = Assert.NotNull(res.PingEndpoints, "PingEndpoints");
                    Assert.Equal(2, list.Count, "endpoints");
                    Assert.Equal(S.Region.Seattle, list[0].Region, "region");
                    Assert.Equal("ping.example", list[0].Host, "host");
                    Assert.Equal(2000.0, list[0].Port, "port");
                    Assert.Equal(S.Region.Unknown, list[1].Region, "a region this package does not know");
                    Assert.Equal("Europa", list[1].RegionRaw, "its wire name");
                    // With a dev token configured: still none sent.
                    var sdk = new HathoraCloudSDK(security: new S.Security { HathoraDevToken = "never-sent" }, serverUrl: server.Url);
                    try
                    {
                        Assert.Result(sdk.DiscoveryV2.GetPingServiceEndpointsAsync());
                    }
                    finally
                    {
                        sdk.Dispose();
                    }
                    string[] heads = server.Heads;
                    Assert.Equal(2, heads.Length, "requests");
                    foreach (string head in heads)
                    {
                        Assert.True(head.StartsWith("GET /discovery/v2/ping HTTP/1.1"), "the path: " + head);
                        Assert.True(head.IndexOf("authorization:", StringComparison.OrdinalIgnoreCase) < 0, "a token was sent: " + head);
                    }
                }
            });

            r.Add("region_pings_measure_and_cancel", () =>
            {
                using (var loud = new Beacon(true))
                using (var quiet = new Beacon(false))
                using (var server = new CannedServer("[{\"region\":\"Tokyo\",\"host\":\"127.0.0.1\",\"port\":" + loud.Port + "}]"))
                using (var client = new HathoraRoomsClient(new HathoraRoomsClientOptions { ServerUrl = server.Url }))
                {
                    var ping = new PingOptions
                    {
                        Rounds = 2,
                        Endpoints = new[] { new PingEndpoint("Chicago", "127.0.0.1", loud.Port), new PingEndpoint("home-lab", "127.0.0.1", quiet.Port) },
                    };
                    IReadOnlyList<RegionPing> pings = Assert.Result(client.PingRegionsAsync(ping)).Value;
                    Assert.Equal("Chicago 2/2, home-lab 2/0", string.Join(", ", pings.Select(p => p.RegionRaw + " " + p.Sent + "/" + p.Answered)), "answered");
                    Assert.Equal(Region.Chicago, pings[0].Region, "a known region");
                    Assert.True(pings[0].MinRtt.HasValue && pings[0].MinRtt.Value > TimeSpan.Zero, "a round trip");
                    Assert.True(!pings[1].MinRtt.HasValue, "a silent region has none");

                    // No endpoints: DiscoveryV2's list, from the client's base URL.
                    HathoraResponse<IReadOnlyList<RegionPing>> discovered = Assert.Result(client.PingRegionsAsync(new PingOptions { Rounds = 1 }));
                    Assert.Equal(200, discovered.StatusCode, "DiscoveryV2's status");
                    Assert.Equal("Tokyo 1", string.Join(",", discovered.Value.Select(p => p.RegionRaw + " " + p.Answered)), "measured");

                    // A 60 s measurement, cancelled once under way.
                    int before = quiet.Received;
                    var cts = new CancellationTokenSource();
                    var slow = new PingOptions { Rounds = 3, Timeout = TimeSpan.FromSeconds(20), Endpoints = new[] { new PingEndpoint("home-lab", "127.0.0.1", quiet.Port) } };
                    Task<HathoraResponse<IReadOnlyList<RegionPing>>> task = client.PingRegionsAsync(slow, null, cts.Token);
                    DateTime deadline = DateTime.UtcNow + Assert.Patience;
                    while (quiet.Received == before && DateTime.UtcNow < deadline)
                    {
                        Thread.Sleep(5);
                    }
                    DateTime cancelled = DateTime.UtcNow;
                    cts.Cancel();
                    Assert.Throws<HathoraCanceledException>(task);
                    Assert.True(DateTime.UtcNow - cancelled < TimeSpan.FromSeconds(10), "a cancel ended the measurement at once");
                }
            });
        }

        // A context as the host gives it, for the emulator: the room's process, the emulator's
        // token as the process token.
        static HathoraServerContext Context(Fixture f, string processId)
        {
            return new HathoraServerContext
            {
                ProcessId = processId,
                AppId = Emulator.AppId,
                BaseUrl = f.Emulator.Url,
                ProcessToken = Emulator.Token,
            };
        }

        // A UDP echo beacon on 127.0.0.1 (or a silent one), on a thread of its own.
        sealed class Beacon : IDisposable
        {
            readonly UdpClient socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            readonly Thread thread;
            int received;

            public Beacon(bool echo)
            {
                Port = ((IPEndPoint)socket.Client.LocalEndPoint).Port;
                thread = new Thread(() =>
                {
                    while (true)
                    {
                        IPEndPoint from = null;
                        byte[] data;
                        try
                        {
                            data = socket.Receive(ref from);
                        }
                        catch (Exception)
                        {
                            return; // closed
                        }
                        Interlocked.Increment(ref received);
                        if (echo)
                        {
                            socket.Send(data, data.Length, from);
                        }
                    }
                }) { IsBackground = true, Name = "Beacon" };
                thread.Start();
            }

            public int Port { get; private set; }

            public int Received
            {
                get { return Volatile.Read(ref received); }
            }

            public void Dispose()
            {
                socket.Close();
                thread.Join(TimeSpan.FromSeconds(10));
            }
        }
    }
}
