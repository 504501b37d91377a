using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Tests
{
    // Every failure kind surfaces as its own exception type, with status, message and body kept.
    internal static class ErrorTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("api_error_401_keeps_status_message_and_body", () =>
            {
                using (var client = f.Client(DispatchMode.Worker, o => o.DevToken = "wrong-token"))
                {
                    var e = Assert.Throws<HathoraApiException>(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Dallas }));
                    Assert.Equal(HathoraResultCode.ApiError, e.Code, "code");
                    Assert.Equal(401, e.StatusCode, "status");
                    Assert.Contains("Unauthorized", e.ApiMessage, "API message");
                    Assert.Contains("401", e.Message, "exception message");
                    Assert.Contains("\"message\"", e.RawBody, "raw body");
                }
            });

            r.Add("api_error_404_unknown_room", () =>
            {
                using (var client = f.Client())
                {
                    var e = Assert.Throws<HathoraApiException>(client.GetRoomInfoAsync("no-such-room"));
                    Assert.Equal(404, e.StatusCode, "status");
                    Assert.Equal("Room no-such-room not found", e.ApiMessage, "API message");
                    Assert.Equal("{\"message\":\"Room no-such-room not found\"}", e.RawBody, "raw body");
                    Assert.True(e.RequestId > 0 && e.Attempts == 1, "request id and attempts");
                }
            });

            r.Add("api_error_422_unknown_region", () =>
            {
                using (var client = f.Client())
                {
                    var e = Assert.Throws<HathoraApiException>(client.CreateRoomAsync(new CreateRoomParams { RegionName = "Atlantis" }));
                    Assert.Equal(422, e.StatusCode, "status");
                    Assert.Contains("Atlantis", e.ApiMessage, "API message");
                    Assert.Contains("Atlantis", e.RawBody, "raw body");
                }
            });

            r.Add("api_error_422_room_id_taken", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("taken");
                    f.CreateRoom(client, id);
                    var e = Assert.Throws<HathoraApiException>(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, id));
                    Assert.Equal(422, e.StatusCode, "status");
                    Assert.Contains(id, e.ApiMessage, "API message");
                    Assert.Contains("already exists", e.RawBody, "raw body");
                }
            });

            r.Add("transport_error_on_a_closed_port", () =>
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                using (var client = f.Client(DispatchMode.Worker, o => { o.ServerUrl = "http://127.0.0.1:" + port; o.MaxRetries = 0; }))
                {
                    var e = Assert.Throws<HathoraTransportException>(client.GetConnectionInfoAsync("some-room"));
                    Assert.Equal(HathoraResultCode.TransportError, e.Code, "code");
                    Assert.Equal(0, e.StatusCode, "no HTTP status");
                    Assert.True(e.Message.Length > 0, "a message");
                }
            });

            r.Add("per_call_connect_timeout_reaches_the_library", () =>
            {
                // A listener whose accept queue is full: the next connect hangs (the kernel drops the
                // SYN). The client allows 20 s per connect and 5 s per call; the call allows 0.5 s per
                // connect. Ignored, the call ends at its deadline (Timeout); honoured, the connect
                // gives up first (a connection failure: TransportError).
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start(0);
                var held = new System.Collections.Generic.List<TcpClient>();
                try
                {
                    int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    bool full = false;
                    for (int i = 0; i < 256 && !full; i++)
                    {
                        var c = new TcpClient();
                        if (c.ConnectAsync(IPAddress.Loopback, port).Wait(300))
                        {
                            held.Add(c);
                        }
                        else
                        {
                            c.Close();
                            full = true;
                        }
                    }
                    Assert.True(full, "the accept queue of a local listener filled up");
                    using (var client = f.Client(DispatchMode.Worker, o =>
                    {
                        o.ServerUrl = "http://127.0.0.1:" + port;
                        o.ConnectTimeout = TimeSpan.FromSeconds(20);
                        o.Timeout = TimeSpan.FromSeconds(5);
                        o.MaxRetries = 0;
                    }))
                    {
                        var perCall = new CallOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
                        var e = Assert.Throws<HathoraTransportException>(client.GetConnectionInfoAsync("some-room", perCall));
                        Assert.Contains("timed out", e.Message, "a connect that timed out");
                        Assert.Equal(1, e.Attempts, "one attempt");
                        Assert.Throws<HathoraTimeoutException>(client.GetConnectionInfoAsync("some-room"));
                    }
                }
                finally
                {
                    foreach (var c in held)
                    {
                        c.Close();
                    }
                    listener.Stop();
                }
            });

            r.Add("timeout_when_the_api_is_slower_than_the_call_deadline", () =>
            {
                using (var client = f.Client())
                {
                    // 10 s latency: an answer within 8 s can only be the 200 ms deadline's.
                    f.WithFaults("{\"latencyMs\":10000}", () =>
                    {
                        var clock = Stopwatch.StartNew();
                        var e = Assert.Throws<HathoraTimeoutException>(client.GetConnectionInfoAsync("slow-room", new CallOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 0 }));
                        Assert.True(clock.ElapsedMilliseconds < 8000, "the deadline was kept, took " + clock.ElapsedMilliseconds + " ms");
                        Assert.Equal(0, e.StatusCode, "no HTTP status");
                    });
                }
            });

            r.Add("decode_error_on_a_garbage_body", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("garbage");
                    f.CreateRoom(client, id);
                    f.WithFaults("{\"garbage\":1}", () =>
                    {
                        var e = Assert.Throws<HathoraDecodeException>(client.GetRoomInfoAsync(id, new CallOptions { MaxRetries = 0 }));
                        Assert.Equal(200, e.StatusCode, "status");
                        Assert.True(e.RawBody.Length > 0 && !e.RawBody.StartsWith("{"), "the garbage body is kept: " + e.RawBody);
                    });
                }
            });

            r.Add("invalid_argument_room_id_with_a_space_sends_nothing", () =>
            {
                using (var client = f.Client())
                {
                    long before = f.RequestsServed();
                    var e = Assert.Throws<HathoraInvalidArgumentException>(client.GetRoomInfoAsync("bad id"));
                    Assert.Contains("room_id", e.Message, "message names the argument");
                    Assert.Equal(HathoraResultCode.InvalidArgument, e.Code, "code");
                    Assert.Equal(before, f.RequestsServed(), "requests served");
                }
            });

            r.Add("invalid_arguments_surface_through_the_task", () =>
            {
                using (var client = f.Client())
                {
                    Refused(client.CreateRoomAsync(null), "createRoomParams");
                    Refused(client.CreateRoomAsync(new CreateRoomParams()), "region");
                    Refused(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago, RoomConfig = "a\0b" }), "NUL");
                    Refused(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago, ClientIPs = new[] { "not-an-ip" } }), "client_ips");
                    Refused(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, new string('a', 101)), "room_id");
                    Refused(client.UpdateRoomConfigAsync("room", new string('x', 10001)), "room_config");
                    Refused(client.GetRoomInfoAsync(null), "room_id");
                    Refused(client.GetActiveRoomsForProcessAsync(""), "process_id");
                    Refused(client.GetRoomInfoAsync("room", new CallOptions { Timeout = TimeSpan.FromSeconds(-1) }), "Timeout");
                    Refused(client.GetRoomInfoAsync("room", new CallOptions { MaxRetries = -1 }), "MaxRetries");
                    Refused(client.GetRoomInfoAsync("room", new CallOptions { AppId = "has space" }), "app_id");
                    Refused(client.WaitUntilActiveAsync("room", TimeSpan.Zero), "timeout");
                }
            });

            r.Add("invalid_client_settings_are_refused", () =>
            {
                RefusedSettings(o => o.AppId = "", "app_id"); // none at all is fine: DiscoveryV2 and pings need none
                RefusedSettings(o => o.ServerUrl = "ftp://example.com", "base_url");
                RefusedSettings(o => o.ServerUrl = "http://example.com", "loopback");
                RefusedSettings(o => o.MaxWorkers = 0, "max_workers");
                RefusedSettings(o => o.MinWorkers = -1, "MinWorkers");
                RefusedSettings(o => { o.MinWorkers = 8; o.MaxWorkers = 4; }, "must not exceed");
                RefusedSettings(o => o.WorkerIdle = TimeSpan.Zero, "WorkerIdle");
                RefusedSettings(o => o.Timeout = TimeSpan.Zero, "Timeout");
                RefusedSettings(o => o.MaxRetries = -1, "MaxRetries");
                RefusedSettings(o => { o.InitialBackoff = TimeSpan.FromSeconds(2); o.MaxBackoff = TimeSpan.FromSeconds(1); }, "backoff");
            });

            r.Add("queue_full_refuses_past_the_capacity", () =>
            {
                using (var client = f.Client(DispatchMode.Worker, o => o.QueueCapacity = 1))
                {
                    f.WithFaults("{\"latencyMs\":300}", () =>
                    {
                        var first = client.GetConnectionInfoAsync("queued-room");
                        var e = Assert.Throws<HathoraQueueFullException>(client.GetConnectionInfoAsync("queued-room"));
                        Assert.Equal(HathoraResultCode.QueueFull, e.Code, "code");
                        Assert.Equal(404, Assert.Throws<HathoraApiException>(first).StatusCode, "the accepted call still completes");
                    });
                }
            });

            r.Add("disposed_client_refuses_calls", () =>
            {
                var client = f.Client();
                client.Dispose();
                client.Dispose();
                Assert.True(client.IsDisposed, "disposed");
                Assert.Throws<ObjectDisposedException>(client.GetConnectionInfoAsync("room"));
                Assert.Equal(0, client.Poll(), "poll after dispose");
                Assert.Equal(0, client.PendingCount, "pending after dispose");
            });
        }

        static void Refused(Task task, string messagePart)
        {
            Assert.Contains(messagePart, Assert.Throws<HathoraInvalidArgumentException>(task).Message, "message");
        }

        static void RefusedSettings(Action<HathoraRoomsClientOptions> tweak, string messagePart)
        {
            var options = new HathoraRoomsClientOptions { AppId = Emulator.AppId, ServerUrl = "http://127.0.0.1:1" };
            tweak(options);
            try
            {
                new HathoraRoomsClient(options).Dispose();
            }
            catch (HathoraInvalidArgumentException e)
            {
                Assert.Contains(messagePart, e.Message, "message");
                return;
            }
            throw new AssertionException("expected the settings to be refused (" + messagePart + ")");
        }
    }
}
