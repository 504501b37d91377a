using System;
using System.Linq;
using Hathora.Rooms.Tests;
using HathoraCloud.Models.Errors;
using HathoraCloud.Models.Operations;
using HathoraCloud.Models.Shared;

namespace SeedSnippets
{
    // The seed page's snippets, as written, against hathora-rooms-server running the example game
    // server (one room per process, 1 s idle timeout): the room they create gets a real process
    // that answers with the room's id and config; update, suspend (its process then stops), resume
    // (a new process), destroy (that process stops too), and the ids and statuses afterwards.
    internal static class SeedSnippetsOnRealProcesses
    {
        const string SeedRoomId = "2swovpy1fnunu";
        const string SeedConfig = "{\"name\":\"my-room\"}";

        public static void Register(TestRunner r, Fixture f, RealProcesses real)
        {
            string url = f.Emulator.Url;

            r.Add("seed_snippets_room_lifecycle_on_real_processes", () =>
            {
                CreateRoomResponse created = Assert.Result(CreateRoomSnippet.Run(url));
                Assert.Equal(201, created.StatusCode, "CreateRoom status");
                RoomConnectionData data = Assert.NotNull(created.RoomConnectionData, "RoomConnectionData");
                Assert.Equal(SeedRoomId, data.RoomId, "created room id");
                Assert.True(data.Status == RoomReadyStatus.Starting || data.Status == RoomReadyStatus.Active, "starting (or active if its game server was that quick), got " + data.StatusRaw);
                Assert.True((data.ExposedPort == null) == (data.Status == RoomReadyStatus.Starting), "a port exactly when active");
                string processId = data.ProcessId;
                int pid = real.GameServerPid(processId);
                Assert.Equal("Sao_Paulo", RealProcesses.Environ(pid, "HATHORA_REGION"), "the game server's region");
                Assert.Equal(SeedConfig, RealProcesses.Environ(pid, "HATHORA_INITIAL_ROOM_CONFIG"), "the game server's initial room config");

                ConnectionInfoV2 info = SeedSnippetTests.PollUntilActive(url);
                ExposedPort port = Assert.NotNull(info.ExposedPort, "exposed port once active");
                Assert.Equal("127.0.0.1", port.Host, "host");
                Assert.Equal(TransportType.Tcp, port.TransportType, "transport");
                RealProcesses.AssertAnswers(port.Host, port.Port, SeedRoomId, SeedConfig, processId);

                RoomWithoutAllocations listed = SeedSnippetTests.Single(Assert.Result(GetActiveRoomsForProcessSnippet.Run(url, processId)).Classes, SeedRoomId, "active list");
                Assert.Equal(RoomStatus.Active, listed.Status, "listed status");
                Room room = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(RoomStatus.Active, room.Status, "info status");
                Assert.Equal(processId, Assert.NotNull(room.CurrentAllocation, "current allocation").ProcessId, "current allocation's process");

                // UpdateRoomConfig reaches the game server (at its next refresh of the room list,
                // which a room it does not know triggers).
                using (var client = f.Client())
                {
                    Assert.Result(client.UpdateRoomConfigAsync(SeedRoomId, "changed"));
                }
                RealProcesses.AskTcp(port.Host, port.Port, "not-here");
                Assert.Equal(RealProcesses.Answer(SeedRoomId, "changed", processId), RealProcesses.AskTcp(port.Host, port.Port, SeedRoomId), "after the library's update");
                Assert.Equal(204, Assert.Result(UpdateRoomConfigSnippet.Run(url)).StatusCode, "update status");
                RealProcesses.AskTcp(port.Host, port.Port, "not-here-either");
                Assert.Equal(RealProcesses.Answer(SeedRoomId, SeedConfig, processId), RealProcesses.AskTcp(port.Host, port.Port, SeedRoomId), "after the snippet's update");

                // Suspended: the process holds no room and is stopped after the idle timeout.
                Assert.Equal(204, Assert.Result(SuspendRoomV2DeprecatedSnippet.Run(url)).StatusCode, "suspend status");
                Assert.Equal("suspended", Assert.Result(GetRoomInfoSnippet.Run(url)).Room.StatusRaw, "suspended");
                RealProcesses.WaitGone(pid, "the suspended room's idle game server");

                // Resumed: a new allocation on a new process, which answers for the room.
                ResumeRoomResponse resumed = Assert.Result(ResumeRoomSnippet.Run(url));
                Assert.Equal(200, resumed.StatusCode, "resume status");
                string resumedProcess = resumed.RoomAllocationData.ProcessId;
                Assert.True(resumedProcess != processId, "a new process");
                int resumedPid = real.GameServerPid(resumedProcess);
                ConnectionInfoV2 again = SeedSnippetTests.PollUntilActive(url);
                ExposedPort againPort = Assert.NotNull(again.ExposedPort, "exposed port after resume");
                RealProcesses.AssertAnswers(againPort.Host, againPort.Port, SeedRoomId, SeedConfig, resumedProcess);
                Assert.Equal(2, Assert.Result(GetRoomInfoSnippet.Run(url)).Room.Allocations.Count, "two allocations");

                // Destroyed: its process stops too; the room stays readable, its id taken.
                Assert.Equal(204, Assert.Result(DestroyRoomSnippet.Run(url)).StatusCode, "destroy status");
                Room gone = Assert.Result(GetRoomInfoSnippet.Run(url)).Room;
                Assert.Equal(RoomStatus.Destroyed, gone.Status, "destroyed");
                Assert.True(gone.Allocations.All(a => a.UnscheduledAt.HasValue), "every allocation unscheduled");
                SeedSnippetTests.Single(Assert.Result(GetInactiveRoomsForProcessSnippet.Run(url, resumedProcess)).Classes, SeedRoomId, "inactive list after destroy");
                RealProcesses.WaitGone(resumedPid, "the destroyed room's idle game server");
                Assert.Equal(404, Assert.Throws<ApiError>(GetConnectionInfoSnippet.Run(url)).StatusCode, "connection info of a destroyed room");
                ApiError taken = Assert.Throws<ApiError>(CreateRoomSnippet.Run(url));
                Assert.Equal(422, taken.StatusCode, "taken room id");
                Assert.Contains("taken", taken.Message, "message");
                real.AssertNoZombie();
            });
        }
    }
}
