using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Interop;

namespace Hathora.Rooms.Tests
{
    // What the Unity-only code runs, without Unity: the frame pump calls ClientRegistry.PollAll on
    // the main thread, and domain reload / leaving Play Mode / quitting call DisposeAll.
    internal static class UnityHookTests
    {
        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("frame_pump_completes_calls_of_a_client_nobody_references", () =>
            {
                Task<HathoraResponse<ConnectionInfoV2>> task = CallOnDroppedClient(f);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                DateTime deadline = DateTime.UtcNow + Assert.Patience;
                while (!task.IsCompleted && DateTime.UtcNow < deadline)
                {
                    ClientRegistry.PollAll();
                    Thread.Sleep(1);
                }
                Assert.Equal(404, Assert.Throws<HathoraApiException>(task).StatusCode, "completed by the pump");
            });

            r.Add("editor_teardown_disposes_every_live_client_with_calls_in_flight", () =>
            {
                f.WithFaults("{\"latencyMs\":400}", () =>
                {
                    var poll = f.Client(DispatchMode.Poll);
                    var worker = f.Client(DispatchMode.Worker);
                    Task[] tasks = Enumerable.Range(0, 10)
                        .Select(i => (Task)(i % 2 == 0 ? poll : worker).GetConnectionInfoAsync("teardown-room"))
                        .ToArray();
                    ClientRegistry.DisposeAll();
                    Assert.True(poll.IsDisposed && worker.IsDisposed, "both clients disposed");
                    Assert.True(Task.WaitAll(tasks.Select(t => t.ContinueWith(_ => { })).ToArray(), Assert.Patience), "every task completed");
                    Assert.True(tasks.All(t => t.IsCanceled), "all cancelled by the teardown");
                });
            });
        }

        // The client is unreachable once this returns; its call in flight keeps the rest alive.
        [MethodImpl(MethodImplOptions.NoInlining)]
        static Task<HathoraResponse<ConnectionInfoV2>> CallOnDroppedClient(Fixture f)
        {
            return f.Client(DispatchMode.Poll).GetConnectionInfoAsync("dropped-client-room");
        }
    }
}
