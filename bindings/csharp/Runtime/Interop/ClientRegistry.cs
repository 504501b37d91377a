using System;
using System.Collections.Generic;

namespace Hathora.Rooms.Interop
{
    // Live clients, for the engine hooks that poll them every frame and dispose them before a
    // domain reload. It holds their dispatchers weakly: registering keeps nothing alive, yet a
    // dispatcher with calls in flight stays reachable (through their GCHandles) and polled even
    // when its HathoraRoomsClient was dropped.
    internal static class ClientRegistry
    {
        static readonly List<WeakReference> dispatchers = new List<WeakReference>();
        // A list reused between frames so the per-frame poll allocates nothing; null while in use
        // (a continuation may re-enter), and a fresh list is made then.
        static List<RequestDispatcher> spare = new List<RequestDispatcher>();

#if !UNITY_5_3_OR_NEWER
        // Outside Unity (whose hooks dispose clients on domain reload and quit): a process whose
        // clients were never disposed still exits. See NativeThreads.
        static ClientRegistry()
        {
            AppDomain.CurrentDomain.ProcessExit += (sender, args) => DisposeAll();
        }
#endif

        public static void Add(RequestDispatcher dispatcher)
        {
            lock (dispatchers)
            {
                dispatchers.Add(new WeakReference(dispatcher));
            }
        }

        public static void Remove(RequestDispatcher dispatcher)
        {
            lock (dispatchers)
            {
                dispatchers.RemoveAll(w => ReferenceEquals(w.Target, dispatcher) || !w.IsAlive);
            }
        }

        // Runs the completions of every poll-mode client on this thread (Unity: the main thread).
        public static void PollAll()
        {
            ForEachLive(d => d.Poll(0));
        }

        // Before the managed world goes away: afterwards no callback can reach it.
        public static void DisposeAll()
        {
            ForEachLive(d => d.Dispose());
        }

        static void ForEachLive(Action<RequestDispatcher> action)
        {
            List<RequestDispatcher> live = Take();
            foreach (RequestDispatcher dispatcher in live)
            {
                try
                {
                    action(dispatcher);
                }
                catch (Exception e)
                {
                    Diagnostics.ReportUnexpected(e);
                }
            }
            live.Clear();
            lock (dispatchers)
            {
                spare = live;
            }
        }

        static List<RequestDispatcher> Take()
        {
            lock (dispatchers)
            {
                List<RequestDispatcher> live = spare ?? new List<RequestDispatcher>();
                spare = null;
                for (int i = dispatchers.Count - 1; i >= 0; i--)
                {
                    var dispatcher = dispatchers[i].Target as RequestDispatcher;
                    if (dispatcher == null)
                    {
                        dispatchers.RemoveAt(i);
                    }
                    else
                    {
                        live.Add(dispatcher);
                    }
                }
                return live;
            }
        }
    }
}
