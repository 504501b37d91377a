using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using HathoraCloud;
using HathoraCloud.Models.Operations;

namespace Hathora.Rooms.Tests
{
    // HTTPS with a private CA (run.sh's HTTPS pass only, against the rooms server's own TLS):
    // TrustedCaPem, TrustedCaFiles and UseBuiltInRoots on the client's options and the
    // HathoraCloud SDK's; a server whose CA the client was not given, refused by name, having
    // sent nothing (the server's /metrics: a failed handshake, no request); bad PEM refused when
    // the client is constructed.
    internal static class TlsTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("tls_ca_pem_without_the_web_roots_runs_a_room", () =>
            {
                using (var client = f.Client(DispatchMode.Worker, o =>
                {
                    o.TrustedCaFiles = null;
                    o.TrustedCaPem = File.ReadAllText(f.CaFile);
                    o.UseBuiltInRoots = false;
                }))
                {
                    string roomId = f.RoomId("tls");
                    ConnectionInfoV2 active = f.CreateActiveRoom(client, roomId);
                    Assert.True(active.ExposedPort != null, "an exposed port once active");
                    Assert.Result(client.DestroyRoomAsync(roomId));
                }
            });

            r.Add("tls_without_the_ca_the_server_is_refused_by_name_and_not_retried", () =>
            {
                const string Failed = "hathora_tls_handshakes_total{result=\"failed\"}", Requests = "hathora_requests_total{";
                long failedBefore = f.Metric(Failed), requestsBefore = f.Metric(Requests);
                using (var client = f.Client(DispatchMode.Worker, o => o.TrustedCaFiles = null))
                {
                    var e = Assert.Throws<HathoraTransportException>(client.GetConnectionInfoAsync("any-room"));
                    Assert.Contains("is signed by a CA this client does not trust", e.Message, "message");
                    Assert.Equal(1, e.Attempts, "attempts (2 retries allowed)");
                }
                using (var sdk = new HathoraCloudSDK(appId: Emulator.AppId, serverUrl: f.ApiUrl, options: new HathoraRoomsClientOptions()))
                {
                    var e = Assert.Throws<HathoraTransportException>(sdk.RoomsV2.GetConnectionInfoAsync(new GetConnectionInfoRequest { RoomId = "r" }));
                    Assert.Contains("does not trust", e.Message, "HathoraCloud message");
                }
                // The server counts a handshake a moment after the client gave it up.
                Assert.Eventually("two failed handshakes counted", () => f.Metric(Failed) >= failedBefore + 2);
                Assert.Equal(failedBefore + 2, f.Metric(Failed), "failed handshakes: one per refused call");
                Assert.Equal(requestsBefore, f.Metric(Requests), "API requests the server answered");
            });

            r.Add("tls_bad_trust_settings_are_refused_when_the_client_is_constructed", () =>
            {
                var cases = new List<KeyValuePair<Action<HathoraRoomsClientOptions>, string>>
                {
                    Case(o => o.TrustedCaPem = "not a certificate", "CA certificate PEM #1 (from memory) is not PEM"),
                    Case(o => o.TrustedCaPem = "", "CA certificate PEM #1 (from memory) is empty"),
                    Case(o => o.TrustedCaFiles = new List<string> { "/nonexistent/ca.pem" }, "CA file /nonexistent/ca.pem cannot be read"),
                    Case(o => o.TrustedCaFiles = new List<string> { null }, "TrustedCaFiles[0] must not be null"),
                    Case(o => { o.TrustedCaFiles = null; o.UseBuiltInRoots = false; }, "the built-in roots are off and no CA certificate was added"),
                };
                foreach (var c in cases)
                {
                    var e = Assert.Throws<HathoraInvalidArgumentException>(Task.Run(() => f.Client(DispatchMode.Worker, c.Key).Dispose()));
                    Assert.Contains(c.Value, e.Message, "client options");
                    HathoraRoomsClientOptions options = f.Options(DispatchMode.Worker);
                    c.Key(options);
                    e = Assert.Throws<HathoraInvalidArgumentException>(Task.Run(() => new HathoraCloudSDK(serverUrl: f.ApiUrl, options: options).Dispose()));
                    Assert.Contains(c.Value, e.Message, "HathoraCloudSDK options");
                }
            });
        }

        static KeyValuePair<Action<HathoraRoomsClientOptions>, string> Case(Action<HathoraRoomsClientOptions> change, string message)
        {
            return new KeyValuePair<Action<HathoraRoomsClientOptions>, string>(change, message);
        }
    }
}
