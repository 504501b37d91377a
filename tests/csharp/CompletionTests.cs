using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

#pragma warning disable 618 // SuspendRoomV2DeprecatedAsync is one of the operations under test.

namespace Hathora.Rooms.Tests
{
    // Every operation hands the library the one completion callback (Interop/Completion.cs), each
    // through the delegate type its generated stub names; and each refuses to start once the
    // client is disposed.
    internal static class CompletionTests
    {
        const string Missing = "no-such-room";

        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("every_operation_completes_through_the_one_callback", () =>
            {
                // Poll mode: a task completes only when Poll finishes what the native callback
                // delivered, and Poll counts those, so each completion came through the callback.
                using (var client = f.Client(DispatchMode.Poll))
                {
                    string roomId = f.RoomId("onecallback");
                    var calls = Operations(roomId).Select(op => new KeyValuePair<string, Task>(op.Key, op.Value(client))).ToList();
                    Thread.Sleep(100);
                    foreach (var call in calls)
                    {
                        Assert.True(!call.Value.IsCompleted, call.Key + ": completed without Poll");
                    }
                    int completed = 0;
                    DateTime deadline = DateTime.UtcNow + Assert.Patience;
                    while (!calls.All(c => c.Value.IsCompleted))
                    {
                        Assert.True(DateTime.UtcNow < deadline, "all ten completed within " + Assert.Patience.TotalSeconds + " s");
                        completed += client.Poll();
                        Thread.Sleep(1);
                    }
                    Assert.Equal(calls.Count, completed, "completions Poll finished");
                    foreach (var call in calls)
                    {
                        Assert.Equal(call.Key == "CreateRoom" ? 201 : 404, StatusOf(call.Value), call.Key + ": HTTP status");
                    }
                }
            });

            r.Add("every_operation_after_dispose_fails_with_object_disposed", () =>
            {
                var client = f.Client(DispatchMode.Worker);
                client.Dispose();
                foreach (var op in Operations(f.RoomId("afterdispose")))
                {
                    Task task = op.Value(client);
                    Assert.Contains(typeof(HathoraRoomsClient).Name, Assert.Throws<ObjectDisposedException>(task).ObjectName, op.Key + ": object name");
                }
            });
        }

        // The ten asynchronous functions: a new room for CreateRoom, a missing one for the others.
        static List<KeyValuePair<string, Func<HathoraRoomsClient, Task>>> Operations(string newRoomId)
        {
            return new List<KeyValuePair<string, Func<HathoraRoomsClient, Task>>>
            {
                Op("CreateRoom", c => c.CreateRoomAsync(new CreateRoomParams { Region = Region.Dubai }, newRoomId)),
                Op("GetRoomInfo", c => c.GetRoomInfoAsync(Missing)),
                Op("GetActiveRoomsForProcess", c => c.GetActiveRoomsForProcessAsync("no-such-process")),
                Op("GetInactiveRoomsForProcess", c => c.GetInactiveRoomsForProcessAsync("no-such-process")),
                Op("GetConnectionInfo", c => c.GetConnectionInfoAsync(Missing)),
                Op("UpdateRoomConfig", c => c.UpdateRoomConfigAsync(Missing, "config")),
                Op("DestroyRoom", c => c.DestroyRoomAsync(Missing)),
                Op("SuspendRoomV2Deprecated", c => c.SuspendRoomV2DeprecatedAsync(Missing)),
                Op("ResumeRoom", c => c.ResumeRoomAsync(Missing)),
                Op("WaitUntilActive", c => c.WaitUntilActiveAsync(Missing, TimeSpan.FromSeconds(10))),
            };
        }

        // CreateRoom succeeds; the others fail with the API's 404.
        static int StatusOf(Task task)
        {
            var created = task as Task<HathoraResponse<RoomConnectionData>>;
            if (created != null && created.Status == TaskStatus.RanToCompletion)
            {
                return created.Result.StatusCode;
            }
            return Assert.Caught<HathoraApiException>(task).StatusCode;
        }

        static KeyValuePair<string, Func<HathoraRoomsClient, Task>> Op(string name, Func<HathoraRoomsClient, Task> start)
        {
            return new KeyValuePair<string, Func<HathoraRoomsClient, Task>>(name, start);
        }
    }
}
