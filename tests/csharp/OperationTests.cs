using System;
using System.Linq;

#pragma warning disable 618 // SuspendRoomV2DeprecatedAsync is deprecated by Hathora, and tested all the same.

namespace Hathora.Rooms.Tests
{
    // Success paths of every operation (worker mode), with their fields asserted.
    internal static class OperationTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("create_room_returns_room_connection_data", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("create");
                    var created = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Seattle, RoomConfig = "{\"mode\":\"duel\"}" }, id));
                    Assert.Equal(201, created.StatusCode, "status");
                    Assert.Equal(id, created.Value.RoomId, "roomId");
                    Assert.True(!string.IsNullOrEmpty(created.Value.ProcessId), "a processId");
                    Assert.Equal(RoomReadyStatus.Starting, created.Value.Status, "status");
                    Assert.Equal("starting", created.Value.StatusRaw, "raw status");
                    Assert.True(created.Value.ExposedPort == null, "no exposed port while starting");
                    Assert.Equal(0, created.Value.AdditionalExposedPorts.Count, "additional ports");
                    Assert.Contains("\"roomId\":\"" + id + "\"", created.RawBody, "raw body");
                    Assert.True(created.Attempts >= 1 && created.RequestId > 0, "attempts and request id");
                }
            });

            r.Add("create_room_without_room_id_generates_one", () =>
            {
                using (var client = f.Client())
                {
                    var created = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.London }));
                    string id = created.Value.RoomId;
                    Assert.True(id.Length >= 1 && id.Length <= 100 && id.All(ch => char.IsLetterOrDigit(ch) || ch == '-' || ch == '_'), "a valid generated roomId, got " + id);
                }
            });

            r.Add("create_room_with_raw_region_name_and_client_ips", () =>
            {
                Assert.Equal("Sao_Paulo", Region.SaoPaulo.WireName(), "wire name");
                Assert.Equal("Washington_DC", Region.WashingtonDC.WireName(), "wire name");
                Assert.True(Region.Unknown.WireName() == null, "no wire name for Unknown");
                // The stubs carry no HathoraRegion enum, so Region copies its numbers: every value
                // must name a native region, and the library must know none beyond the last.
                Region[] regions = Enum.GetValues(typeof(Region)).Cast<Region>().ToArray();
                foreach (Region region in regions.Where(x => x != Region.Unknown))
                {
                    Assert.True(region.WireName() != null, "a native wire name for " + region);
                }
                Assert.True(((Region)regions.Length).WireName() == null, "the library knows a region the Region enum lacks");
                using (var client = f.Client())
                {
                    string id = f.RoomId("regionname");
                    var p = new CreateRoomParams { RegionName = "Sao_Paulo", ClientIPs = new[] { "203.0.113.7", "2001:db8::1" } };
                    Assert.Equal(id, Assert.Result(client.CreateRoomAsync(p, id)).Value.RoomId, "roomId");
                }
            });

            r.Add("wait_until_active_returns_the_exposed_port", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("wait");
                    f.CreateRoom(client, id);
                    var active = Assert.Result(client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(10)));
                    Assert.Equal(200, active.StatusCode, "status");
                    Assert.Equal(id, active.Value.RoomId, "roomId");
                    Assert.Equal(RoomReadyStatus.Active, active.Value.Status, "status");
                    Assert.Equal("active", active.Value.StatusRaw, "raw status");
                    ExposedPort port = Assert.NotNull(active.Value.ExposedPort, "exposed port");
                    Assert.Equal(TransportType.Tcp, port.TransportType, "transport");
                    Assert.Equal("tcp", port.TransportTypeRaw, "raw transport");
                    Assert.True(port.Port > 0 && !string.IsNullOrEmpty(port.Host) && !string.IsNullOrEmpty(port.Name), "host, port and name: " + port);
                    Assert.Contains("\"exposedPort\"", active.RawBody, "raw body");
                }
            });

            r.Add("get_connection_info_starting_then_active", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("conninfo");
                    f.CreateRoom(client, id);
                    var starting = Assert.Result(client.GetConnectionInfoAsync(id)).Value;
                    Assert.Equal(RoomReadyStatus.Starting, starting.Status, "status right after create");
                    Assert.True(starting.ExposedPort == null, "no port while starting");
                    Assert.Result(client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(10)));
                    var active = Assert.Result(client.GetConnectionInfoAsync(id));
                    Assert.Equal(200, active.StatusCode, "status");
                    Assert.Equal(RoomReadyStatus.Active, active.Value.Status, "status");
                    Assert.NotNull(active.Value.ExposedPort, "port once active");
                }
            });

            r.Add("get_connection_info_needs_no_dev_token", () =>
            {
                string id = f.RoomId("notoken");
                using (var admin = f.Client())
                {
                    f.CreateRoom(admin, id);
                }
                using (var gameClient = f.Client(DispatchMode.Worker, o => o.DevToken = null))
                {
                    Assert.Equal(id, Assert.Result(gameClient.GetConnectionInfoAsync(id)).Value.RoomId, "roomId");
                    Assert.Equal(id, Assert.Result(gameClient.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(10))).Value.RoomId, "roomId");
                    // Refused before sending: the library knows every other operation needs the token.
                    Assert.Contains("dev token", Assert.Throws<HathoraInvalidArgumentException>(gameClient.GetRoomInfoAsync(id)).Message, "GetRoomInfo without a token");
                }
            });

            r.Add("get_room_info_returns_the_room_and_its_allocations", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("info");
                    string processId = f.CreateRoom(client, id, "cfg-1").ProcessId;
                    Assert.Result(client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(10)));
                    var info = Assert.Result(client.GetRoomInfoAsync(id));
                    Room room = info.Value;
                    Assert.Equal(200, info.StatusCode, "status");
                    Assert.Equal(Emulator.AppId, room.AppId, "appId");
                    Assert.Equal(id, room.RoomId, "roomId");
                    Assert.Equal(RoomStatus.Active, room.Status, "status");
                    Assert.Equal("active", room.StatusRaw, "raw status");
                    Assert.Equal("cfg-1", room.RoomConfig, "roomConfig");
                    RoomAllocation current = Assert.NotNull(room.CurrentAllocation, "current allocation");
                    Assert.Equal(processId, current.ProcessId, "processId");
                    Assert.True(Math.Abs((DateTimeOffset.UtcNow - current.ScheduledAt).TotalMinutes) < 5, "scheduledAt is now, got " + current.ScheduledAt);
                    Assert.True(current.UnscheduledAt == null, "current allocation not unscheduled");
                    Assert.Equal(1, room.Allocations.Count, "allocations");
                    Assert.Equal(current.RoomAllocationId, room.Allocations[0].RoomAllocationId, "allocation id");
                    Assert.Contains("\"currentAllocation\"", info.RawBody, "raw body");
                }
            });

            r.Add("room_config_round_trips_unicode", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("unicode");
                    const string config = "{\"name\":\"h\u00e9llo \u2713 \u4e16\u754c \ud83c\udfae\"}";
                    f.CreateRoom(client, id, config);
                    Assert.Equal(config, Assert.Result(client.GetRoomInfoAsync(id)).Value.RoomConfig, "roomConfig");
                }
            });

            r.Add("active_rooms_for_process_lists_the_room", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("active");
                    string processId = f.CreateRoom(client, id).ProcessId;
                    var list = Assert.Result(client.GetActiveRoomsForProcessAsync(processId));
                    Assert.Equal(200, list.StatusCode, "status");
                    RoomWithoutAllocations room = Assert.NotNull(list.Value.FirstOrDefault(x => x.RoomId == id), "the room in the list");
                    Assert.True(room.Status == RoomStatus.Scheduling || room.Status == RoomStatus.Active, "scheduling or active, got " + room.StatusRaw);
                    Assert.Equal(processId, Assert.NotNull(room.CurrentAllocation, "current allocation").ProcessId, "processId");
                    Assert.True(!(room is Room), "list entries are RoomWithoutAllocations");
                    Assert.True(list.RawBody.StartsWith("["), "raw body is the JSON array");
                }
            });

            r.Add("update_room_config_replaces_it", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("update");
                    f.CreateRoom(client, id, "old");
                    var updated = Assert.Result(client.UpdateRoomConfigAsync(id, "new"));
                    Assert.Equal(204, updated.StatusCode, "status");
                    Assert.Equal("", updated.RawBody, "raw body");
                    Assert.Equal("new", Assert.Result(client.GetRoomInfoAsync(id)).Value.RoomConfig, "roomConfig");
                }
            });

            r.Add("suspend_then_resume_room", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("suspend");
                    string processId = f.CreateRoom(client, id).ProcessId;
                    Assert.Equal(204, Assert.Result(client.SuspendRoomV2DeprecatedAsync(id)).StatusCode, "suspend status");
                    Room suspended = Assert.Result(client.GetRoomInfoAsync(id)).Value;
                    Assert.Equal(RoomStatus.Suspended, suspended.Status, "status");
                    Assert.Equal("suspended", suspended.StatusRaw, "raw status");
                    Assert.True(suspended.CurrentAllocation == null, "no current allocation");
                    var inactive = Assert.Result(client.GetInactiveRoomsForProcessAsync(processId)).Value;
                    Assert.Equal(RoomStatus.Suspended, Assert.NotNull(inactive.FirstOrDefault(x => x.RoomId == id), "suspended room in the inactive list").Status, "listed status");

                    var resumed = Assert.Result(client.ResumeRoomAsync(id));
                    Assert.Equal(200, resumed.StatusCode, "resume status");
                    Assert.Equal(id, resumed.Value.RoomId, "roomId");
                    Assert.Equal(RoomReadyStatus.Starting, resumed.Value.Status, "status");
                    Assert.True(!string.IsNullOrEmpty(resumed.Value.ProcessId), "processId");
                    Room room = Assert.Result(client.GetRoomInfoAsync(id)).Value;
                    Assert.Equal(2, room.Allocations.Count, "allocations");
                    Assert.True(room.Allocations[0].UnscheduledAt != null, "first allocation unscheduled");
                    Assert.NotNull(room.CurrentAllocation, "current allocation");
                }
            });

            r.Add("destroy_room_moves_it_to_the_inactive_list", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("destroy");
                    string processId = f.CreateRoom(client, id).ProcessId;
                    var destroyed = Assert.Result(client.DestroyRoomAsync(id));
                    Assert.Equal(204, destroyed.StatusCode, "status");
                    var inactive = Assert.Result(client.GetInactiveRoomsForProcessAsync(processId));
                    RoomWithoutAllocations room = Assert.NotNull(inactive.Value.FirstOrDefault(x => x.RoomId == id), "the room in the inactive list");
                    Assert.Equal(RoomStatus.Destroyed, room.Status, "status");
                    Assert.Equal("destroyed", room.StatusRaw, "raw status");
                    Assert.True(room.CurrentAllocation == null, "no current allocation");
                    Assert.Equal(404, Assert.Throws<HathoraApiException>(client.GetConnectionInfoAsync(id)).StatusCode, "connection info of a destroyed room");
                }
            });

            r.Add("per_call_app_id_overrides_the_client", () =>
            {
                string id = f.RoomId("appid");
                using (var client = f.Client(DispatchMode.Worker, o => o.AppId = "app-other"))
                {
                    var missing = Assert.Throws<HathoraApiException>(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Tokyo }, id));
                    Assert.Equal(404, missing.StatusCode, "unknown app");
                    Assert.Contains("app-other", missing.ApiMessage, "message");
                    var options = new CallOptions { AppId = Emulator.AppId };
                    Assert.Equal(id, Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Tokyo }, id, options)).Value.RoomId, "roomId");
                    Assert.Equal(Emulator.AppId, Assert.Result(client.GetRoomInfoAsync(id, options)).Value.AppId, "appId");
                }
            });

            r.Add("retries_transient_503_then_succeeds", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("retry");
                    f.CreateRoom(client, id);
                    f.WithFaults("{\"status\":503,\"count\":2,\"retryAfter\":\"0\"}", () =>
                    {
                        var info = Assert.Result(client.GetRoomInfoAsync(id));
                        Assert.Equal(3, info.Attempts, "attempts");
                    });
                    f.WithFaults("{\"status\":503,\"count\":1}", () =>
                    {
                        var e = Assert.Throws<HathoraApiException>(client.GetRoomInfoAsync(id, new CallOptions { MaxRetries = 0 }));
                        Assert.Equal(503, e.StatusCode, "status without retries");
                        Assert.Equal(1, e.Attempts, "attempts");
                    });
                }
            });

            r.Add("native_version_is_reported", () =>
            {
                Assert.True(!string.IsNullOrEmpty(HathoraRoomsClient.NativeVersion), "a version");
            });
        }
    }
}
