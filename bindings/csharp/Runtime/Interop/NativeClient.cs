using System;
using System.Runtime.InteropServices;
using System.Threading;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // The native client handle, freed exactly once: by Dispose, or by the runtime's critical
    // finalizer when nobody disposed it (a request in flight keeps its client reachable through
    // its GCHandle, so that happens only once nothing is pending). Every native call holds a
    // Lease, and the handle is never freed while one is out: a Dispose that meets a call in
    // progress on another thread leaves the free to that call's Lease.Dispose, then waits for it.
    internal sealed unsafe class NativeClient : SafeHandle
    {
        readonly ReleaseSignal released = new ReleaseSignal();

        NativeClient()
            : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        // Counts the hathora_client_free calls of this handle (one, once freed).
        public ReleaseSignal Released
        {
            get { return released; }
        }

        public static NativeClient Create(HathoraRoomsClientOptions options)
        {
            // Made first, so the handle has its owner as soon as the library hands it over.
            var native = new NativeClient();
            native.SetHandle((IntPtr)ClientConfig.NewClient(options));
            return native;
        }

        // The handle for one native call; NULL once disposed, which every native function
        // refuses (INVALID_ARGUMENT) or ignores, as hathora_rooms.h documents.
        public Lease Lease()
        {
            if (IsClosed)
            {
                return default(Lease);
            }
            bool added = false;
            try
            {
                DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                // Disposed since the check above.
            }
            return added ? new Lease(this, (HathoraClient*)handle) : default(Lease);
        }

        public int Poll(int maxCallbacks)
        {
            using (Lease lease = Lease())
            {
                return NativeSize.ToInt(N.hathora_client_poll(lease.Client, NativeSize.From(maxCallbacks)));
            }
        }

        // Best effort: an id that already completed (or a disposed client) is simply refused.
        public void Cancel(ulong requestId)
        {
            using (Lease lease = Lease())
            {
                N.hathora_client_cancel(lease.Client, requestId);
            }
        }

        public int Pending
        {
            get
            {
                using (Lease lease = Lease())
                {
                    return NativeSize.ToInt(N.hathora_client_pending(lease.Client));
                }
            }
        }

        // Valid right after a failing call, on the thread that made it.
        public static string LastError()
        {
            return Utf8.Decode(N.hathora_last_error_message()) ?? "no message";
        }

        // Returns once every callback of this client has run (in poll mode, on this thread).
        protected override bool ReleaseHandle()
        {
            N.hathora_client_free((HathoraClient*)handle);
            released.Set();
            return true;
        }

        // After Dispose returns no callback of this client runs again (domain reloads rely on it),
        // also when a call on another thread held the handle and freed it as its lease ended. Not
        // inside a completion, though: the free may have to join the very worker running it.
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing && !IsInvalid && !Completion.IsRunningOnThisThread)
            {
                released.Wait();
            }
        }

        internal sealed class ReleaseSignal
        {
            readonly object gate = new object();
            int count;

            public int Count
            {
                get
                {
                    lock (gate)
                    {
                        return count;
                    }
                }
            }

            public void Set()
            {
                lock (gate)
                {
                    count++;
                    Monitor.PulseAll(gate);
                }
            }

            public void Wait()
            {
                lock (gate)
                {
                    while (count == 0)
                    {
                        Monitor.Wait(gate);
                    }
                }
            }
        }
    }

    // One native call's hold on the client handle (SafeHandle's reference count).
    internal unsafe struct Lease : IDisposable
    {
        readonly NativeClient owner;

        public readonly HathoraClient* Client;

        public Lease(NativeClient owner, HathoraClient* client)
        {
            this.owner = owner;
            Client = client;
        }

        public void Dispose()
        {
            if (owner != null)
            {
                owner.DangerousRelease();
            }
        }
    }
}
