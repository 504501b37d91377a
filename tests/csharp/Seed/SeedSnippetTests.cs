using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Interop;
using Hathora.Rooms.Tests;
using HathoraCloud;
using HathoraCloud.Models.Errors;
using HathoraCloud.Models.Operations;
using HathoraCloud.Models.Shared;
using Lib = Hathora.Rooms;

namespace SeedSnippets
{
    // The seed page's snippets run against the emulator (in run.sh's HTTPS pass, serving HTTPS
    // itself: the snippets, unchanged, trust its CA through HathoraCloudSDK.DefaultOptions), in
    // the order a game backend uses them:
    // CreateRoom -> poll GetConnectionInfo -> lists, info, update, suspend/resume, destroy. Then the
    // error mapping of the HathoraCloud surface: the page's per-operation tables decide ApiError vs
    // SDKException; transport, deadline and cancellation keep their own types.
    internal static class SeedSnippetTests
    {
        const string SeedRoomId = "2swovpy1fnunu";
        const string PlaceholderProcessId = "cbfcddd2-0006-43ae-996c-995fff7bed2e";

        public static void Register(TestRunner r, Fixture f)
        {
            string url = f.ApiUrl;

            r.Add("seed_snippets_room_lifecycle", () =>
            {
                CreateRoomResponse created = Assert.Result(CreateRoomSnippet.Run(url));
                Assert.Equal(201, created.StatusCode, "CreateRoom status");
                Assert.Equal("application/json", created.ContentType, "CreateRoom content type");
                RoomConnectionData data = Assert.NotNull(created.RoomConnectionData, "RoomConnectionData");
                Assert.Equal(SeedRoomId, data.RoomId, "created room id");
                Assert.True(!string.IsNullOrEmpty(data.ProcessId), "a process id");
                Assert.Equal(RoomReadyStatus.Starting, data.Status, "a new room is starting");
                Assert.Equal("starting", data.StatusRaw, "raw status");
                Assert.True(data.ExposedPort == null, "no exposed port while starting");
                string processId = data.ProcessId;

                // The documented way to learn where to connect: poll GetConnectionInfo (no token).
                ConnectionInfoV2 info = PollUntilActive(url);
                Assert.Equal(SeedRoomId, info.RoomId, "connection info room id");
                ExposedPort port = Assert.NotNull(info.ExposedPort, "exposed port once active");
                Assert.Equal("localhost", port.Host, "host");
                Assert.True(port.Port >= 7777, "a game port, got " + port.Port);
                Assert.Equal(TransportType.Tcp, port.TransportType, "transport");
                Assert.Equal("tcp", port.TransportTypeRaw, "raw transport");
                Assert.Equal(0, info.AdditionalExposedPorts.Count, "additional ports");

                GetActiveRoomsForProcessResponse active = Assert.Result(GetActiveRoomsForProcessSnippet.Run(url, processId));
                Assert.Equal(200, active.StatusCode, "active list status");
                RoomWithoutAllocations listed = Single(active.Classes, SeedRoomId, "active list");
                Assert.Equal(RoomStatus.Active, listed.Status, "listed status");
                Assert.Equal("{\"name\":\"my-room\"}", listed.RoomConfig, "listed config");
                Assert.Equal(processId, Assert.NotNull(listed.CurrentAllocation, "listed current allocation").ProcessId, "listed process");
                Assert.Equal(0, Assert.Result(GetInactiveRoomsForProcessSnippet.Run(url, processId)).Classes.Count(x => x.RoomId == SeedRoomId), "not inactive yet");

                Room room = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(SeedRoomId, room.RoomId, "info room id");
                Assert.Equal("app-emulator", room.AppId, "info app id");
                Assert.Equal(RoomStatus.Active, room.Status, "info status");
                Assert.Equal(1, room.Allocations.Count, "one allocation");
                CurrentAllocation current = Assert.NotNull(room.CurrentAllocation, "current allocation");
                Assert.Equal(processId, current.ProcessId, "current allocation's process");
                Assert.Equal(room.Allocations[0].RoomAllocationId, current.RoomAllocationId, "current is the only allocation");
                Assert.Equal(DateTimeKind.Utc, current.ScheduledAt.Kind, "UTC timestamps");
                Assert.True(Math.Abs((DateTime.UtcNow - current.ScheduledAt).TotalMinutes) < 10, "scheduled just now, got " + current.ScheduledAt.ToString("o"));
                Assert.True(current.UnscheduledAt == null, "current allocation not unscheduled");

                // The snippet writes the config CreateRoom set; change it first so the update shows.
                using (var client = f.Client())
                {
                    Assert.Result(client.UpdateRoomConfigAsync(SeedRoomId, "changed"));
                }
                Assert.Equal("changed", Assert.Result(GetRoomInfoSnippet.Run(url)).Room.RoomConfig, "config changed by the library");
                UpdateRoomConfigResponse updated = Assert.Result(UpdateRoomConfigSnippet.Run(url));
                Assert.Equal(204, updated.StatusCode, "update status");
                Assert.True(updated.ContentType == null, "no content type without a body");
                Assert.Equal("{\"name\":\"my-room\"}", Assert.Result(GetRoomInfoSnippet.Run(url)).Room.RoomConfig, "config after the snippet");

                // "suspended" is not a member of the official RoomStatus: it must decode, raw kept.
                Assert.Equal(204, Assert.Result(SuspendRoomV2DeprecatedSnippet.Run(url)).StatusCode, "suspend status");
                Room suspended = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(RoomStatus.Unknown, suspended.Status, "an unknown status decodes as Unknown");
                Assert.Equal("suspended", suspended.StatusRaw, "its raw value stays readable");
                Assert.True(suspended.CurrentAllocation == null, "a suspended room has no current allocation");
                RoomWithoutAllocations inactive = Single(Assert.Result(GetInactiveRoomsForProcessSnippet.Run(url, processId)).Classes, SeedRoomId, "inactive list after suspend");
                Assert.Equal("suspended", inactive.StatusRaw, "listed raw status");

                ResumeRoomResponse resumed = Assert.Result(ResumeRoomSnippet.Run(url));
                Assert.Equal(200, resumed.StatusCode, "resume status");
                Assert.Equal(SeedRoomId, resumed.RoomAllocationData.RoomId, "resumed room id");
                Assert.Equal(RoomReadyStatus.Starting, resumed.RoomAllocationData.Status, "a resumed room is starting");
                Room again = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(2, again.Allocations.Count, "a second allocation");
                string lastProcess = Assert.NotNull(again.CurrentAllocation, "current allocation after resume").ProcessId;

                DestroyRoomResponse destroyed = Assert.Result(DestroyRoomSnippet.Run(url));
                Assert.Equal(204, destroyed.StatusCode, "destroy status");
                Room gone = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(RoomStatus.Destroyed, gone.Status, "a destroyed room's status");
                Assert.Equal("destroyed", gone.StatusRaw, "raw destroyed");
                Assert.True(gone.CurrentAllocation == null, "no current allocation after destroy");
                Assert.True(gone.Allocations.All(a => a.UnscheduledAt.HasValue), "every allocation unscheduled");
                RoomWithoutAllocations listedGone = Single(Assert.Result(GetInactiveRoomsForProcessSnippet.Run(url, lastProcess)).Classes, SeedRoomId, "inactive list after destroy");
                Assert.Equal(RoomStatus.Destroyed, listedGone.Status, "listed destroyed");
                Assert.Equal(0, Assert.Result(GetActiveRoomsForProcessSnippet.Run(url, lastProcess)).Classes.Count(x => x.RoomId == SeedRoomId), "gone from the active list");

                // A destroyed room answers 404, which GetConnectionInfo declares.
                ApiError e = Assert.Throws<ApiError>(GetConnectionInfoSnippet.Run(url));
                Assert.Equal(404, e.StatusCode, "destroyed room's connection info");
                Assert.True(e.Message.Length > 0 && e.Body.Contains(e.Message), "Message is the API's message: " + e.Message + " / " + e.Body);

                // Taken room id: 422, which CreateRoom declares, so ApiError with the API's message.
                ApiError taken = Assert.Throws<ApiError>(CreateRoomSnippet.Run(url));
                Assert.Equal(422, taken.StatusCode, "taken room id");
                Assert.Contains("taken", taken.Message, "message");
                Assert.Contains("already exists", taken.Body, "body");
                Assert.Equal(422, taken.RawResponse.StatusCode, "raw response status");
            });

            r.Add("seed_list_snippets_as_written_get_the_declared_404", () =>
            {
                foreach (Task task in new Task[] { GetActiveRoomsForProcessSnippet.Run(url), GetInactiveRoomsForProcessSnippet.Run(url) })
                {
                    ApiError e = Assert.Throws<ApiError>(task);
                    Assert.Equal(404, e.StatusCode, "unknown process " + PlaceholderProcessId);
                    Assert.True(e.Body.Contains(e.Message), "the API's message");
                    Assert.True(e.InnerException is Lib.HathoraApiException, "the library's exception inside");
                }
            });

            r.Add("hathoracloud_each_operation_maps_statuses_per_its_declared_table", () =>
            {
                int[] statuses = { 400, 401, 402, 403, 404, 408, 409, 422, 429, 500, 503 };
                using (var sdk = NoRetries(f))
                {
                    foreach (KeyValuePair<string, int[]> op in Declared)
                    {
                        foreach (int status in statuses)
                        {
                            string label = op.Key + " answering " + status;
                            Task call = null;
                            // The fault stays armed until the call completed (it is emulator-wide).
                            f.WithFaults("{\"status\":" + status + ",\"count\":1}", () => { call = Call(sdk, op.Key); Assert.Completes(call); });
                            if (op.Value.Contains(status))
                            {
                                ApiError e = Labelled<ApiError>(call, label);
                                Assert.Equal(status, e.StatusCode, label + " -> ApiError");
                                Assert.True(e.Message.Length > 0 && e.Body.Contains(e.Message), label + ": the API's message, got " + e.Message);
                            }
                            else
                            {
                                SDKException e = Labelled<SDKException>(call, label);
                                Assert.Equal(status, e.StatusCode, label + " -> SDKException");
                                Assert.True(e.Body.Length > 0, label + ": body kept");
                            }
                        }
                    }
                }
            });

            r.Add("hathoracloud_wrong_token_is_the_declared_401", () =>
            {
                using (var sdk = new HathoraCloudSDK(security: new Security { HathoraDevToken = "wrong" }, appId: Emulator.AppId, serverUrl: url))
                {
                    Assert.Equal(401, Assert.Throws<ApiError>(sdk.RoomsV2.GetRoomInfoAsync(new GetRoomInfoRequest { RoomId = "any-room" })).StatusCode, "GetRoomInfo");
                }
            });

            r.Add("hathoracloud_security_source_is_asked_on_every_call", () =>
            {
                string token = "wrong";
                int asked = 0;
                using (var sdk = new HathoraCloudSDK(securitySource: () => { asked++; return new Security { HathoraDevToken = token }; }, appId: Emulator.AppId, serverUrl: url))
                {
                    var request = new CreateRoomRequest { CreateRoomParams = new CreateRoomParams { Region = Region.Chicago } };
                    Assert.Equal(401, Assert.Throws<ApiError>(sdk.RoomsV2.CreateRoomAsync(request)).StatusCode, "old token");
                    token = Emulator.Token;
                    CreateRoomResponse created = Assert.Result(sdk.RoomsV2.CreateRoomAsync(request));
                    Assert.Equal(201, created.StatusCode, "new token");
                    string roomId = created.RoomConnectionData.RoomId;
                    Assert.Equal(roomId, Assert.Result(sdk.RoomsV2.GetRoomInfoAsync(new GetRoomInfoRequest { RoomId = roomId })).Room.RoomId, "info with the same token");
                    Assert.Equal(3, asked, "asked once per call");
                }
            });

            r.Add("hathoracloud_request_app_id_overrides_the_sdk_default", () =>
            {
                using (var sdk = new HathoraCloudSDK(security: new Security { HathoraDevToken = Emulator.Token }, appId: "app-not-served", serverUrl: url))
                {
                    Assert.Equal(404, Assert.Throws<ApiError>(sdk.RoomsV2.GetRoomInfoAsync(new GetRoomInfoRequest { RoomId = "x" })).StatusCode, "unknown app");
                    var created = Assert.Result(sdk.RoomsV2.CreateRoomAsync(new CreateRoomRequest { AppId = Emulator.AppId, CreateRoomParams = new CreateRoomParams { Region = Region.Dubai } }));
                    Assert.Equal(201, created.StatusCode, "created with the request's app id");
                }
            });

            r.Add("hathoracloud_transport_failure_is_not_an_sdk_exception", () =>
            {
                var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
                listener.Start();
                int closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                using (var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: "http://127.0.0.1:" + closedPort, options: new Lib.HathoraRoomsClientOptions { MaxRetries = 0 }))
                {
                    var e = Assert.Throws<Lib.HathoraTransportException>(sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r" }));
                    Assert.Equal(0, e.StatusCode, "no HTTP status");
                }
            });

            r.Add("hathoracloud_deadline_is_a_timeout_exception", () =>
            {
                var options = f.Trusting(new Lib.HathoraRoomsClientOptions { MaxRetries = 0, Timeout = TimeSpan.FromMilliseconds(300) });
                using (var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: url, options: options))
                {
                    f.WithFaults("{\"latencyMs\":2000}", () =>
                        Assert.Throws<Lib.HathoraTimeoutException>(sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r" })));
                }
            });

            r.Add("hathoracloud_dispose_cancels_calls_in_flight", () =>
            {
                var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: url);
                f.WithFaults("{\"latencyMs\":1000}", () =>
                {
                    Task<GetConnectionInfoResponse> call = sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r" });
                    sdk.Dispose();
                    Assert.Completes(call);
                    Assert.True(call.IsCanceled, "the task is cancelled, status " + call.Status);
                    Assert.True(Assert.Caught<Lib.HathoraShutDownException>(call) != null, "HathoraShutDownException");
                    Assert.Caught<ObjectDisposedException>(sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r" }));
                });
            });

            r.Add("hathoracloud_bad_arguments_fail_through_the_task", () =>
            {
                using (var sdk = new HathoraCloudSDK(security: new Security { HathoraDevToken = Emulator.Token }, appId: Emulator.AppId, serverUrl: url))
                {
                    long before = f.RequestsServed();
                    Assert.Throws<Lib.HathoraInvalidArgumentException>(sdk.RoomsV2.GetRoomInfoAsync(null));
                    Assert.Throws<Lib.HathoraInvalidArgumentException>(sdk.RoomsV2.CreateRoomAsync(new CreateRoomRequest()));
                    Assert.Throws<Lib.HathoraInvalidArgumentException>(sdk.RoomsV2.UpdateRoomConfigAsync(new UpdateRoomConfigRequest { RoomId = "r" }));
                    Assert.Throws<Lib.HathoraInvalidArgumentException>(sdk.RoomsV2.DestroyRoomAsync(new DestroyRoomRequest { RoomId = "bad id" }));
                    Assert.Equal(before, f.RequestsServed(), "nothing sent");
                }
                Assert.Throws<Lib.HathoraInvalidArgumentException>(Task.Run(() => new HathoraCloudSDK(serverIndex: 1)));
            });

            r.Add("hathoracloud_every_region_is_accepted", () =>
            {
                using (var sdk = new HathoraCloudSDK(security: new Security { HathoraDevToken = Emulator.Token }, appId: Emulator.AppId, serverUrl: url))
                {
                    foreach (Region region in (Region[])Enum.GetValues(typeof(Region)))
                    {
                        if (region == Region.Unknown)
                        {
                            // Only DiscoveryV2's answers carry it; a room cannot be asked for there.
                            var refused = Assert.Throws<Lib.HathoraInvalidArgumentException>(sdk.RoomsV2.CreateRoomAsync(new CreateRoomRequest { CreateRoomParams = new CreateRoomParams { Region = region } }));
                            Assert.Contains("region", refused.Message, "Region.Unknown refused");
                            continue;
                        }
                        var created = Assert.Result(sdk.RoomsV2.CreateRoomAsync(new CreateRoomRequest { CreateRoomParams = new CreateRoomParams { Region = region } }));
                        Assert.Equal(201, created.StatusCode, region + " created");
                    }
                }
            });

            r.Add("hathoracloud_unknown_enum_values_from_the_server_decode", () =>
            {
                const string body = "{\"roomId\":\"r1\",\"status\":\"warming\",\"exposedPort\":{\"transportType\":\"quic\",\"port\":9000,\"host\":\"h\",\"name\":\"default\"},\"additionalExposedPorts\":[]}";
                using (var server = new CannedServer(body))
                using (var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: server.Url))
                {
                    ConnectionInfoV2 info = Assert.Result(sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r1" })).ConnectionInfoV2;
                    Assert.Equal(RoomReadyStatus.Unknown, info.Status, "status");
                    Assert.Equal("warming", info.StatusRaw, "raw status");
                    Assert.Equal(TransportType.Unknown, info.ExposedPort.TransportType, "transport");
                    Assert.Equal("quic", info.ExposedPort.TransportTypeRaw, "raw transport");
                    Assert.Equal(9000, info.ExposedPort.Port, "port");
                }
            });

            r.Add("hathoracloud_poll_mode_completes_on_the_pumping_thread", () =>
            {
                var options = f.Trusting(new Lib.HathoraRoomsClientOptions { DispatchMode = Lib.DispatchMode.Poll });
                using (var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: url, options: options))
                {
                    Task<GetConnectionInfoResponse> call = sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "unknown-room" });
                    int completedOn = 0;
                    Task observed = call.ContinueWith(_ => completedOn = Thread.CurrentThread.ManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
                    Thread.Sleep(300);
                    Assert.True(!call.IsCompleted, "nothing completes before the frame pump runs");
                    DateTime deadline = DateTime.UtcNow + Assert.Patience;
                    while (!observed.IsCompleted && DateTime.UtcNow < deadline)
                    {
                        ClientRegistry.PollAll();
                        Thread.Sleep(1);
                    }
                    Assert.Equal(404, Assert.Caught<ApiError>(call).StatusCode, "unknown room");
                    Assert.Equal(Thread.CurrentThread.ManagedThreadId, completedOn, "completed on the pumping (main) thread");
                }
            });
        }

        // Each operation's declared error statuses, as the seed page's tables list them
        // (ResumeRoom, not on the page, as roomsv2.md lists it).
        static readonly Dictionary<string, int[]> Declared = new Dictionary<string, int[]>
        {
            { "CreateRoom", new[] { 400, 401, 402, 404, 422, 429, 500 } },
            { "DestroyRoom", new[] { 401, 404, 429, 500 } },
            { "GetActiveRoomsForProcess", new[] { 401, 404, 429 } },
            { "GetConnectionInfo", new[] { 400, 402, 404, 422, 429, 500 } },
            { "GetInactiveRoomsForProcess", new[] { 401, 404, 429 } },
            { "GetRoomInfo", new[] { 401, 404, 422, 429 } },
            { "ResumeRoom", new[] { 400, 401, 402, 404, 408, 422, 429, 500 } },
            { "SuspendRoomV2Deprecated", new[] { 401, 404, 429, 500 } },
            { "UpdateRoomConfig", new[] { 401, 404, 429, 500 } },
        };

        static Task Call(HathoraCloudSDK sdk, string operation)
        {
            IRoomsV2 rooms = sdk.RoomsV2;
            switch (operation)
            {
                case "CreateRoom": return rooms.CreateRoomAsync(new CreateRoomRequest { CreateRoomParams = new CreateRoomParams { Region = Region.London } });
                case "DestroyRoom": return rooms.DestroyRoomAsync(new DestroyRoomRequest { RoomId = "fault-room" });
                case "GetActiveRoomsForProcess": return rooms.GetActiveRoomsForProcessAsync(new GetActiveRoomsForProcessRequest { ProcessId = "fault-process" });
                case "GetConnectionInfo": return rooms.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "fault-room" });
                case "GetInactiveRoomsForProcess": return rooms.GetInactiveRoomsForProcessAsync(new GetInactiveRoomsForProcessRequest { ProcessId = "fault-process" });
                case "GetRoomInfo": return rooms.GetRoomInfoAsync(new GetRoomInfoRequest { RoomId = "fault-room" });
                case "ResumeRoom": return rooms.ResumeRoomAsync(new ResumeRoomRequest { RoomId = "fault-room" });
                case "SuspendRoomV2Deprecated": return rooms.SuspendRoomV2DeprecatedAsync(new SuspendRoomV2DeprecatedRequest { RoomId = "fault-room" });
                case "UpdateRoomConfig": return rooms.UpdateRoomConfigAsync(new UpdateRoomConfigRequest { RoomId = "fault-room", UpdateRoomConfigParams = new UpdateRoomConfigParams { RoomConfig = "c" } });
                default: throw new ArgumentException(operation);
            }
        }

        static TException Labelled<TException>(Task task, string label) where TException : Exception
        {
            try
            {
                return Assert.Caught<TException>(task);
            }
            catch (AssertionException e)
            {
                throw new AssertionException(label + ": " + e.Message);
            }
        }

        static HathoraCloudSDK NoRetries(Fixture f)
        {
            return new HathoraCloudSDK(security: new Security { HathoraDevToken = Emulator.Token }, appId: Emulator.AppId,
                serverUrl: f.ApiUrl, options: f.Trusting(new Lib.HathoraRoomsClientOptions { MaxRetries = 0 }));
        }

        internal static ConnectionInfoV2 PollUntilActive(string url)
        {
            DateTime deadline = DateTime.UtcNow + Assert.Patience;
            while (true)
            {
                GetConnectionInfoResponse res = Assert.Result(GetConnectionInfoSnippet.Run(url));
                Assert.Equal(200, res.StatusCode, "connection info status");
                ConnectionInfoV2 info = Assert.NotNull(res.ConnectionInfoV2, "ConnectionInfoV2");
                if (info.Status == RoomReadyStatus.Active)
                {
                    return info;
                }
                Assert.Equal(RoomReadyStatus.Starting, info.Status, "starting until active");
                Assert.True(DateTime.UtcNow < deadline, "the room became active within " + Assert.Patience.TotalSeconds + " s");
                Thread.Sleep(100);
            }
        }

        internal static RoomWithoutAllocations Single(List<RoomWithoutAllocations> rooms, string roomId, string what)
        {
            Assert.NotNull(rooms, what);
            List<RoomWithoutAllocations> matches = rooms.Where(x => x.RoomId == roomId).ToList();
            Assert.Equal(1, matches.Count, what + ": entries for " + roomId);
            return matches[0];
        }
    }
}
