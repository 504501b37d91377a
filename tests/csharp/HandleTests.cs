using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Interop;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Tests
{
    // The native client handle is a SafeHandle: freed exactly once (Dispose, or the finalizer of
    // a client nobody disposed), never while a call uses it, and refused cleanly after Dispose.
    // The library itself confirms each free: a freed handle is no longer a live key there.
    internal static unsafe class HandleTests
    {
        const string NotLive = "not a live client handle";

        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("native_handle_freed_once_when_disposed_twice", () =>
            {
                NativeClient native = NativeClient.Create(f.Options(DispatchMode.Worker));
                IntPtr raw = native.DangerousGetHandle();
                Assert.True(IsLive(raw), "live before Dispose");
                native.Dispose();
                native.Dispose();
                Assert.Equal(1, native.Released.Count, "hathora_client_free calls");
                Assert.True(native.IsClosed, "closed");
                Assert.True(!IsLive(raw), "freed in the library");
                // Every use after Dispose is refused or ignored without reaching the library.
                Assert.Equal(0, native.Poll(0), "poll after Dispose");
                Assert.Equal(0, native.Pending, "pending after Dispose");
                native.Cancel(1);
                using (Lease lease = native.Lease())
                {
                    Assert.True(lease.Client == null, "no handle lent after Dispose");
                }
                Assert.Equal(1, native.Released.Count, "hathora_client_free calls after those uses");
            });

            r.Add("native_handle_finalizer_after_dispose_frees_nothing_more", () =>
            {
                NativeClient.ReleaseSignal released = null, witness = null;
                WeakReference finalized = null;
                OnOwnThread(() =>
                {
                    NativeClient native = NativeClient.Create(f.Options(DispatchMode.Poll));
                    native.Dispose();
                    // Dispose suppressed the finalizer; make it run all the same.
                    GC.ReRegisterForFinalize(native);
                    released = native.Released;
                    finalized = new WeakReference(native, true);
                    // Never disposed: its finalizer runs in the same collection.
                    witness = NativeClient.Create(f.Options(DispatchMode.Poll)).Released;
                });
                // The weak reference is read only once both are gone: reading it earlier could
                // leave the object in a stack slot that keeps it alive.
                CollectUntil(() => witness.Count > 0, "the finalizers ran");
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                Assert.True(!finalized.IsAlive, "the disposed handle was finalized and collected");
                Assert.Equal(1, released.Count, "hathora_client_free calls");
            });

            r.Add("native_handle_finalizer_frees_a_client_nobody_disposed", () =>
            {
                NativeClient.ReleaseSignal released = null;
                IntPtr raw = IntPtr.Zero;
                OnOwnThread(() =>
                {
                    NativeClient native = NativeClient.Create(f.Options(DispatchMode.Worker));
                    raw = native.DangerousGetHandle();
                    released = native.Released;
                });
                CollectUntil(() => released.Count > 0, "the finalizer freed the client");
                Assert.Equal(1, released.Count, "hathora_client_free calls");
                Assert.True(!IsLive(raw), "freed in the library");
            });

            r.Add("calls_racing_dispose_never_reach_a_freed_handle", () =>
            {
                for (int round = 0; round < 5; round++)
                {
                    NativeClient native = NativeClient.Create(f.Options(DispatchMode.Worker));
                    var dispatcher = new RequestDispatcher(native, DispatchMode.Worker, null);
                    var tasks = new List<Task>();
                    var go = new ManualResetEvent(false);
                    Thread[] callers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
                    {
                        go.WaitOne();
                        for (int i = 0; i < 50; i++)
                        {
                            Task t = GetConnectionInfo(dispatcher, "race-room");
                            lock (tasks)
                            {
                                tasks.Add(t);
                            }
                        }
                    })).ToArray();
                    foreach (Thread caller in callers)
                    {
                        caller.Start();
                    }
                    go.Set();
                    Thread.Sleep(round);
                    dispatcher.Dispose();
                    // Freed before Dispose returned, also when a caller held the handle then.
                    Assert.Equal(1, native.Released.Count, "round " + round + ": freed by the time Dispose returned");
                    foreach (Thread caller in callers)
                    {
                        Assert.True(caller.Join(Assert.Patience), "round " + round + ": the callers finished");
                    }
                    Assert.Equal(200, tasks.Count, "round " + round + ": calls made");
                    foreach (Task t in tasks)
                    {
                        Assert.Completes(t);
                        Exception e = t.Exception == null ? null : t.Exception.InnerException;
                        if (t.IsCanceled)
                        {
                            e = Assert.Caught<HathoraShutDownException>(t);
                        }
                        string outcome = e == null ? "success" : e.GetType().Name + ": " + e.Message;
                        Assert.True(e is HathoraApiException || e is HathoraShutDownException || e is ObjectDisposedException,
                            "round " + round + ": a 404, a shutdown or a refusal, got " + outcome);
                        Assert.True(e.Message.IndexOf(NotLive, StringComparison.Ordinal) < 0, "round " + round + ": a freed handle reached the library: " + outcome);
                    }
                    Assert.Equal(1, native.Released.Count, "round " + round + ": hathora_client_free calls");
                }
            });
        }

        // A handle the library still knows: cancelling an id it never issued is refused, but not
        // for being a freed handle.
        static bool IsLive(IntPtr raw)
        {
            N.hathora_client_cancel((HathoraClient*)raw, ulong.MaxValue);
            return NativeClient.LastError().IndexOf(NotLive, StringComparison.Ordinal) < 0;
        }

        static Task<HathoraResponse<ConnectionInfoV2>> GetConnectionInfo(RequestDispatcher dispatcher, string roomId)
        {
            byte[] id = Utf8.Encode(roomId, "roomId");
            return dispatcher.Run(ResultReader.ConnectionInfo, null, CancellationToken.None, (client, opts, userData, requestId) =>
            {
                fixed (byte* p = id)
                {
                    return N.hathora_get_connection_info_async(client, p, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        // Runs body on a thread that then ends, so no stack slot keeps what it made alive.
        static void OnOwnThread(Action body)
        {
            Exception failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            Assert.True(thread.Join(Assert.Patience), "the helper thread finished");
            if (failure != null)
            {
                throw new AssertionException("on the helper thread: " + failure);
            }
        }

        static void CollectUntil(Func<bool> done, string what)
        {
            DateTime deadline = DateTime.UtcNow + Assert.Patience;
            while (!done())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new AssertionException("expected within " + Assert.Patience.TotalSeconds + " s: " + what);
                }
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(10);
            }
        }
    }
}
