using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Native;

#pragma warning disable 618 // SuspendRoomV2DeprecatedAsync: a suspended room stays "starting", which the wait tests need.

namespace Hathora.Rooms.Tests
{
    // CancellationToken, WaitUntilActive deadlines, and Dispose with calls in flight.
    internal static class CancellationTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("cancellation_token_cancels_a_call_in_flight", () =>
            {
                using (var client = f.Client())
                using (var cts = new CancellationTokenSource())
                {
                    // 3 s latency: the cancel 50 ms later lands in flight even on a loaded machine.
                    f.WithFaults("{\"latencyMs\":3000}", () =>
                    {
                        var task = client.GetConnectionInfoAsync("any-room", null, cts.Token);
                        Thread.Sleep(50);
                        cts.Cancel();
                        var e = Assert.Throws<HathoraCanceledException>(task);
                        Assert.True(task.IsCanceled, "the task is Canceled, got " + task.Status);
                        Assert.Equal(HathoraResultCode.Cancelled, e.Code, "code");
                        Assert.True(e.CancellationToken == cts.Token, "the exception carries the caller's token");
                        Assert.True(e.RequestId > 0, "request id");
                        Assert.True(e is OperationCanceledException, "an OperationCanceledException");
                    });
                }
            });

            r.Add("cancellation_before_the_call_sends_nothing", () =>
            {
                using (var client = f.Client())
                using (var cts = new CancellationTokenSource())
                {
                    cts.Cancel();
                    long before = f.RequestsServed();
                    var task = client.GetRoomInfoAsync("any-room", null, cts.Token);
                    Assert.True(task.IsCanceled, "Canceled at once, got " + task.Status);
                    Assert.Equal(0UL, Assert.Caught<HathoraCanceledException>(task).RequestId, "never started");
                    Assert.Equal(before, f.RequestsServed(), "requests served");
                }
            });

            r.Add("wait_until_active_times_out_with_the_last_answer", () =>
            {
                using (var client = f.Client())
                {
                    string id = SuspendedRoom(f, client);
                    var clock = Stopwatch.StartNew();
                    var e = Assert.Throws<HathoraTimeoutException>(client.WaitUntilActiveAsync(id, TimeSpan.FromMilliseconds(500)));
                    // The room never becomes active: without the deadline the wait would not end at all.
                    Assert.True(clock.ElapsedMilliseconds < 15000, "ended by its 500 ms deadline, took " + clock.ElapsedMilliseconds + " ms");
                    Assert.True(e.Attempts >= 1, "polled at least once");
                    Assert.Contains("starting", e.RawBody, "last answer kept");
                }
            });

            r.Add("cancellation_token_ends_wait_until_active_at_once", () =>
            {
                using (var client = f.Client())
                using (var cts = new CancellationTokenSource())
                {
                    string id = SuspendedRoom(f, client);
                    var task = client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(60), cts.Token);
                    Thread.Sleep(100);
                    var clock = Stopwatch.StartNew();
                    cts.Cancel();
                    Assert.Throws<HathoraCanceledException>(task);
                    // Not cancelled, the wait would run for its 60 s deadline.
                    Assert.True(task.IsCanceled && clock.ElapsedMilliseconds < 15000, "cancelled before its deadline, took " + clock.ElapsedMilliseconds + " ms");
                }
            });

            r.Add("dispose_with_calls_in_flight_worker_mode", () =>
            {
                f.WithFaults("{\"latencyMs\":400}", () =>
                {
                    var client = f.Client(DispatchMode.Worker);
                    List<Task> tasks = InFlight(f, client, 60);
                    var clock = Stopwatch.StartNew();
                    client.Dispose();
                    Assert.True(clock.ElapsedMilliseconds < 10000, "Dispose returned in bounded time, took " + clock.ElapsedMilliseconds + " ms");
                    // Completions were delivered before Dispose returned; the tasks' continuations
                    // run on the thread pool, so give them a moment.
                    Assert.True(Task.WaitAll(tasks.Select(IgnoreFailure).ToArray(), Assert.Patience), "every task completed");
                    AllShutDown(tasks);
                });
            });

            r.Add("dispose_with_calls_in_flight_poll_mode_completes_every_task_before_returning", () =>
            {
                f.WithFaults("{\"latencyMs\":400}", () =>
                {
                    var client = f.Client(DispatchMode.Poll);
                    List<Task> tasks = InFlight(f, client, 60);
                    int mainThread = Thread.CurrentThread.ManagedThreadId;
                    int onOtherThreads = 0;
                    foreach (Task t in tasks)
                    {
                        t.ContinueWith(_ => { if (Thread.CurrentThread.ManagedThreadId != mainThread) Interlocked.Increment(ref onOtherThreads); }, TaskContinuationOptions.ExecuteSynchronously);
                    }
                    client.Dispose();
                    Assert.True(tasks.All(t => t.IsCompleted), "every task completed before Dispose returned");
                    AllShutDown(tasks);
                    Assert.Equal(0, onOtherThreads, "continuations that ran off the disposing thread");
                });
            });

            r.Add("dispose_from_inside_a_completion_in_worker_mode", () =>
            {
                // The continuation runs on the native worker that completed the call, inside its
                // callback: freeing the client there must not wait for that worker.
                var client = f.Client(DispatchMode.Worker);
                string suspended = SuspendedRoom(f, client);
                f.WithFaults("{\"latencyMs\":300}", () =>
                {
                    var first = client.GetConnectionInfoAsync("no-room");
                    var other = client.WaitUntilActiveAsync(suspended, TimeSpan.FromSeconds(30));
                    var disposedInside = first.ContinueWith(_ =>
                    {
                        client.Dispose();
                        return Thread.CurrentThread.IsThreadPoolThread;
                    }, TaskContinuationOptions.ExecuteSynchronously);
                    Assert.True(!first.IsCompleted, "still in flight when the continuation was attached");
                    Assert.Equal(false, Assert.Result(disposedInside), "disposed from a thread-pool thread");
                    Assert.True(client.IsDisposed, "disposed from the continuation");
                    Assert.True(Task.WaitAll(new Task[] { IgnoreFailure(other) }, Assert.Patience), "the other call completed");
                    Assert.Throws<HathoraShutDownException>(other);
                });
            });

            r.Add("dispose_from_inside_a_completion_in_poll_mode", () =>
            {
                var client = f.Client(DispatchMode.Poll);
                string id = f.RoomId("selfdispose");
                var created = client.CreateRoomAsync(new CreateRoomParams { Region = Region.Frankfurt }, id);
                var disposedInside = created.ContinueWith(_ => client.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
                Task<HathoraResponse<ConnectionInfoV2>> waiting;
                f.WithFaults("{\"latencyMs\":300}", () =>
                {
                    waiting = client.WaitUntilActiveAsync(id, TimeSpan.FromSeconds(30));
                    Fixture.Pump(client, created, disposedInside);
                    Assert.True(client.IsDisposed, "disposed from the continuation");
                    Assert.True(waiting.IsCompleted, "the other call completed");
                });
            });
        }

        // A room that stays "starting": suspended rooms never become active.
        static string SuspendedRoom(Fixture f, HathoraRoomsClient client)
        {
            string id = f.RoomId("suspended");
            f.CreateRoom(client, id);
            Assert.Result(client.SuspendRoomV2DeprecatedAsync(id));
            return id;
        }

        // A mix of operations, all slowed down by the emulator's latency.
        static List<Task> InFlight(Fixture f, HathoraRoomsClient client, int count)
        {
            var tasks = new List<Task>();
            for (int i = 0; i < count; i++)
            {
                switch (i % 4)
                {
                    case 0: tasks.Add(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Mumbai }, f.RoomId("inflight"))); break;
                    case 1: tasks.Add(client.GetConnectionInfoAsync("inflight-room")); break;
                    case 2: tasks.Add(client.WaitUntilActiveAsync("inflight-room", TimeSpan.FromSeconds(30))); break;
                    default: tasks.Add(client.GetActiveRoomsForProcessAsync("inflight-process")); break;
                }
            }
            return tasks;
        }

        static void AllShutDown(List<Task> tasks)
        {
            foreach (Task t in tasks)
            {
                Assert.True(t.IsCanceled, "cancelled by Dispose, got " + t.Status);
                Assert.Equal(HathoraResultCode.ShutDown, Assert.Caught<HathoraShutDownException>(t).Code, "code");
            }
        }

        static Task IgnoreFailure(Task t)
        {
            return t.ContinueWith(_ => { }, TaskContinuationOptions.ExecuteSynchronously);
        }
    }
}
