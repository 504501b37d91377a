using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

#pragma warning disable 618 // SuspendRoomV2DeprecatedAsync is part of the lifecycle under test.

namespace Hathora.Rooms.Tests
{
    // Where tasks complete in each dispatch mode, and many calls through one client.
    internal static class DispatchTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("worker_mode_continuations_run_on_the_native_worker_that_ran_the_call", () =>
            {
                using (var client = f.Client(DispatchMode.Worker))
                {
                    // Slowed down so the continuation is attached before the call completes
                    // (attached later, it would run inline on this thread).
                    f.WithFaults("{\"latencyMs\":300}", () =>
                    {
                        int me = Thread.CurrentThread.ManagedThreadId;
                        var task = client.GetConnectionInfoAsync("no-room");
                        var where = task.ContinueWith(_ => new[] { Thread.CurrentThread.IsThreadPoolThread ? 1 : 0, Thread.CurrentThread.ManagedThreadId }, TaskContinuationOptions.ExecuteSynchronously);
                        Assert.True(!task.IsCompleted, "still in flight when the continuation was attached");
                        int[] thread = Assert.Result(where);
                        Assert.Equal(0, thread[0], "continuation on a thread-pool thread (1) instead of the native worker (0)");
                        Assert.True(thread[1] != me, "continuation on the native worker, not on the calling thread");
                    });
                }
            });

            r.Add("worker_mode_a_continuation_blocking_on_another_call_leaves_it_a_worker", () =>
            {
                // Two workers at most: the first call's continuation holds one, blocked until a
                // second call completes; that call runs on the other worker and, the inline limit
                // reached, completes on the thread pool. With the last worker held, it never would.
                using (var client = f.Client(DispatchMode.Worker, o => o.MaxWorkers = 2))
                {
                    string id = f.RoomId("nested");
                    f.CreateRoom(client, id);
                    // Slowed down so that each continuation is attached before its call completes.
                    f.WithFaults("{\"latencyMs\":300}", () =>
                    {
                        var outerTask = client.GetConnectionInfoAsync(id);
                        var outer = outerTask.ContinueWith(_ =>
                        {
                            var inner = client.GetRoomInfoAsync(id);
                            var innerOnPool = inner.ContinueWith(__ => Thread.CurrentThread.IsThreadPoolThread, TaskContinuationOptions.ExecuteSynchronously);
                            bool done = innerOnPool.Wait(Assert.Patience);
                            return new[]
                            {
                                Thread.CurrentThread.IsThreadPoolThread ? "pool" : "native",
                                done ? "completed" : "stuck",
                                done && innerOnPool.Result ? "pool" : "not pool",
                            };
                        }, TaskContinuationOptions.ExecuteSynchronously);
                        Assert.True(!outerTask.IsCompleted, "still in flight when the continuation was attached");
                        string[] seen = Assert.Result(outer);
                        Assert.Equal("native", seen[0], "the outer continuation's thread");
                        Assert.Equal("completed", seen[1], "the inner call, while the outer continuation held a worker");
                        Assert.Equal("pool", seen[2], "where the inner call completed");
                    });
                }
            });

            r.Add("poll_mode_completes_only_inside_poll_on_the_polling_thread", () =>
            {
                using (var client = f.Client(DispatchMode.Poll))
                {
                    Assert.Equal(DispatchMode.Poll, client.DispatchMode, "mode");
                    var task = client.GetConnectionInfoAsync("no-room");
                    var continuationThread = task.ContinueWith(_ => Thread.CurrentThread.ManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
                    Thread.Sleep(300);
                    Assert.True(!task.IsCompleted, "nothing completes without Poll");
                    Assert.Equal(1, client.PendingCount, "pending");
                    Fixture.Pump(client, continuationThread);
                    Assert.Equal(Thread.CurrentThread.ManagedThreadId, continuationThread.Result, "continuation thread");
                    Assert.Equal(404, Assert.Caught<HathoraApiException>(task).StatusCode, "status");
                    Assert.Equal(0, client.PendingCount, "pending after poll");
                }
            });

            r.Add("poll_mode_runs_the_whole_room_lifecycle", () =>
            {
                using (var client = f.Client(DispatchMode.Poll))
                {
                    string id = f.RoomId("pollcycle");
                    var created = Fixture.PumpResult(client, client.CreateRoomAsync(new CreateRoomParams { Region = Region.Sydney, RoomConfig = "a" }, id)).Value;
                    var active = Fixture.PumpResult(client, client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(10))).Value;
                    Assert.NotNull(active.ExposedPort, "port");
                    Assert.Equal(RoomReadyStatus.Active, Fixture.PumpResult(client, client.GetConnectionInfoAsync(id)).Value.Status, "status");
                    Fixture.PumpResult(client, client.UpdateRoomConfigAsync(id, "b"));
                    Assert.Equal("b", Fixture.PumpResult(client, client.GetRoomInfoAsync(id)).Value.RoomConfig, "roomConfig");
                    Assert.True(Fixture.PumpResult(client, client.GetActiveRoomsForProcessAsync(created.ProcessId)).Value.Any(x => x.RoomId == id), "in the active list");
                    Fixture.PumpResult(client, client.SuspendRoomV2DeprecatedAsync(id));
                    Assert.True(Fixture.PumpResult(client, client.GetInactiveRoomsForProcessAsync(created.ProcessId)).Value.Any(x => x.RoomId == id), "in the inactive list");
                    Assert.Equal(id, Fixture.PumpResult(client, client.ResumeRoomAsync(id)).Value.RoomId, "resumed");
                    Assert.Equal(204, Fixture.PumpResult(client, client.DestroyRoomAsync(id)).StatusCode, "destroyed");
                }
            });

            r.Add("worker_pool_sizes_reach_the_library", () =>
            {
                int before = NativeWorkers();
                using (var client = f.Client(DispatchMode.Worker, o => { o.MinWorkers = 3; o.MaxWorkers = 4; }))
                {
                    Until(() => NativeWorkers() == before + 3, "MinWorkers start with the client");
                    // Eight slow calls on at most four workers.
                    f.WithFaults("{\"latencyMs\":500}", () =>
                    {
                        var tasks = Enumerable.Range(0, 8).Select(_ => client.GetConnectionInfoAsync("no-room")).ToArray();
                        int peak = 0;
                        while (!tasks.All(t => t.IsCompleted))
                        {
                            peak = Math.Max(peak, NativeWorkers() - before);
                            Thread.Sleep(2);
                        }
                        Assert.Equal(4, peak, "peak native workers");
                    });
                }
                Until(() => NativeWorkers() == before, "no worker left after Dispose");
            });

            r.Add("one_thousand_concurrent_calls_worker_mode", () =>
            {
                using (var client = f.Client(DispatchMode.Worker, o => o.MaxWorkers = 8))
                {
                    var ids = Enumerable.Range(0, 1000).Select(i => f.RoomId("bulk")).ToList();
                    var tasks = ids.Select(id => client.CreateRoomAsync(new CreateRoomParams { Region = Region.Singapore, RoomConfig = id }, id)).ToList();
                    // Collections while callbacks are in flight: the delegates and handles must survive them.
                    while (!tasks.All(t => t.IsCompleted))
                    {
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        Thread.Sleep(5);
                    }
                    for (int i = 0; i < ids.Count; i++)
                    {
                        Assert.Equal(ids[i], Assert.Result(tasks[i]).Value.RoomId, "roomId of call " + i);
                    }
                    Assert.Equal(0, client.PendingCount, "pending");
                    BulkCheck(f, ids);
                }
            });
        }

        // The library's worker threads in this process, by name.
        static int NativeWorkers()
        {
            int n = 0;
            foreach (string task in System.IO.Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    if (System.IO.File.ReadAllText(task + "/comm").StartsWith("hathora-worker", StringComparison.Ordinal))
                    {
                        n++;
                    }
                }
                catch (System.IO.IOException)
                {
                }
            }
            return n;
        }

        static void Until(Func<bool> condition, string what)
        {
            var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < end, what + ": not reached within 30 s");
                Thread.Sleep(5);
            }
        }

        // The same rooms, read back through a poll-mode client: 1,000 more calls, all correct.
        static void BulkCheck(Fixture f, List<string> ids)
        {
            using (var client = f.Client(DispatchMode.Poll, o => o.MaxWorkers = 8))
            {
                var tasks = ids.Select(id => client.GetRoomInfoAsync(id)).ToList();
                Fixture.Pump(client, tasks.ToArray());
                for (int i = 0; i < ids.Count; i++)
                {
                    Room room = Assert.Result(tasks[i]).Value;
                    Assert.Equal(ids[i], room.RoomId, "roomId of call " + i);
                    Assert.Equal(ids[i], room.RoomConfig, "roomConfig of call " + i);
                }
            }
        }
    }
}
