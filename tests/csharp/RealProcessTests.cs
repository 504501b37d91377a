using System;
using System.Linq;

namespace Hathora.Rooms.Tests
{
    // The C# layer against hathora-rooms-server running the example game server (one room per
    // process, 1 s idle timeout; run.sh starts it, handing the game servers no dev token): a
    // room's game server started with its own process token, answering with the room's id and
    // config (read with that token), its config updated, the room destroyed and the process
    // reaped; a crash destroying the rooms; configs at the limits.
    internal static class RealProcessTests
    {
        public static void Register(TestRunner r, Fixture f, RealProcesses real)
        {
            r.Add("real_processes_room_answered_updated_destroyed_and_its_process_reaped", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("real");
                    const string config = "{\"mode\":\"duel\"}\nline two \"quoted\" back\\slash \u00e9 \u6771 \ud83c\udfae";
                    RoomConnectionData created = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Frankfurt, RoomConfig = config }, id)).Value;
                    string processId = created.ProcessId;
                    int pid = real.GameServerPid(processId);
                    Assert.Equal(config, RealProcesses.Environ(pid, "HATHORA_INITIAL_ROOM_CONFIG"), "HATHORA_INITIAL_ROOM_CONFIG");
                    // No dev token reaches a game server: it reads its rooms with its own process token.
                    Assert.Equal((string)null, RealProcesses.Environ(pid, "HATHORA_DEV_TOKEN"), "HATHORA_DEV_TOKEN of the game server");
                    Assert.Contains("hpt1." + processId + ".", RealProcesses.Environ(pid, "HATHORA_PROCESS_TOKEN") ?? "(unset)", "HATHORA_PROCESS_TOKEN of the game server");

                    ConnectionInfoV2 info = Assert.Result(client.WaitUntilActiveAsync(id, Assert.Patience)).Value;
                    ExposedPort port = Assert.NotNull(info.ExposedPort, "the exposed port once active");
                    Assert.Equal("127.0.0.1", port.Host, "host");
                    Assert.Equal(TransportType.Tcp, port.TransportType, "transport");
                    Assert.Equal(real.ListensOn(port.Port).ToString(), RealProcesses.Environ(pid, "HATHORA_DEFAULT_PORT"), "the game server's port");
                    RealProcesses.AssertAnswers(port.Host, port.Port, id, config, processId);

                    // The game server reads the new config at its next refresh of the room list,
                    // which a room it does not know triggers.
                    Assert.Result(client.UpdateRoomConfigAsync(id, "changed"));
                    Assert.Contains("not in this process", RealProcesses.AskTcp(port.Host, port.Port, "not-here"), "an unknown room");
                    Assert.Equal(RealProcesses.Answer(id, "changed", processId), RealProcesses.AskTcp(port.Host, port.Port, id), "TCP answer after UpdateRoomConfig");

                    Assert.Result(client.DestroyRoomAsync(id));
                    Room gone = Assert.Result(client.GetRoomInfoAsync(id)).Value;
                    Assert.Equal(RoomStatus.Destroyed, gone.Status, "status after destroy");
                    Assert.Equal(404, Assert.Throws<HathoraApiException>(client.GetConnectionInfoAsync(id)).StatusCode, "connection info after destroy");
                    RealProcesses.WaitGone(pid, "the idle game server");
                    real.AssertNoZombie();
                }
            });

            r.Add("real_processes_a_crash_destroys_the_rooms_of_the_process", () =>
            {
                using (var client = f.Client())
                {
                    string id = f.RoomId("crash");
                    string processId = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.London }, id)).Value.ProcessId;
                    ExposedPort port = Assert.NotNull(Assert.Result(client.WaitUntilActiveAsync(id, Assert.Patience)).Value.ExposedPort, "port");
                    RealProcesses.AssertAnswers(port.Host, port.Port, id, null, processId);
                    int pid = real.GameServerPid(processId);
                    using (var process = System.Diagnostics.Process.GetProcessById(pid))
                    {
                        process.Kill(); // SIGKILL
                    }

                    Assert.Eventually("the room of the killed game server destroyed", () =>
                        Assert.Result(client.GetRoomInfoAsync(id)).Value.Status == RoomStatus.Destroyed);
                    Assert.True(Assert.Result(client.GetRoomInfoAsync(id)).Value.CurrentAllocation == null, "the allocation is closed");
                    var inactive = Assert.Result(client.GetInactiveRoomsForProcessAsync(processId)).Value;
                    Assert.True(inactive.Any(x => x.RoomId == id && x.Status == RoomStatus.Destroyed), "listed inactive on its process");
                    RealProcesses.WaitGone(pid, "the killed game server");
                    real.AssertNoZombie();
                }
            });

            r.Add("real_processes_room_configs_at_the_limits", () =>
            {
                using (var client = f.Client())
                {
                    string big = string.Concat(Enumerable.Repeat("\u00e9\n\"\u6771{x}\\", 1250));
                    Assert.Equal(10000, big.Length, "10,000 characters (UTF-16 units: all in the BMP)");
                    string id = f.RoomId("big");
                    string processId = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Tokyo, RoomConfig = big }, id)).Value.ProcessId;
                    ExposedPort port = Assert.NotNull(Assert.Result(client.WaitUntilActiveAsync(id, Assert.Patience)).Value.ExposedPort, "port");
                    RealProcesses.AssertAnswers(port.Host, port.Port, id, big, processId);
                    Assert.Equal(big, RealProcesses.Environ(real.GameServerPid(processId), "HATHORA_INITIAL_ROOM_CONFIG"), "HATHORA_INITIAL_ROOM_CONFIG");
                    Assert.Result(client.DestroyRoomAsync(id));

                    // Refused before anything is sent: no room, the ids stay free.
                    Assert.Throws<HathoraInvalidArgumentException>(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Tokyo, RoomConfig = big + "x" }, "too-long-" + id));
                    Assert.Throws<HathoraInvalidArgumentException>(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Tokyo, RoomConfig = "a\0b" }, "nul-" + id));
                    Assert.Equal(404, Assert.Throws<HathoraApiException>(client.GetRoomInfoAsync("too-long-" + id)).StatusCode, "no room for 10,001 characters");
                    Assert.Equal(404, Assert.Throws<HathoraApiException>(client.GetRoomInfoAsync("nul-" + id)).StatusCode, "no room for a NUL");
                }
            });
        }
    }
}
