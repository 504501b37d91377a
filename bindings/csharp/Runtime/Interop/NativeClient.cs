using System;
using System.Threading;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // Owns one native client handle: builds it from the options, frees it exactly once.
    internal sealed unsafe class NativeClient
    {
        IntPtr handle;

        NativeClient(HathoraClient* client)
        {
            handle = (IntPtr)client;
        }

        // A client nobody disposed is freed by the finalizer. Requests in flight keep their client
        // reachable (through their GCHandle), so this only runs once nothing is pending.
        ~NativeClient()
        {
            Free();
        }

        // NULL once freed: the library refuses it instead of touching a dead client.
        public HathoraClient* Handle
        {
            get { return (HathoraClient*)Volatile.Read(ref handle); }
        }

        public bool IsFreed
        {
            get { return Volatile.Read(ref handle) == IntPtr.Zero; }
        }

        public static NativeClient Create(HathoraRoomsClientOptions options)
        {
            HathoraConfig* config = N.hathora_config_new();
            if (config == null)
            {
                throw new OutOfMemoryException("hathora_config_new returned NULL");
            }
            try
            {
                Configure(config, options);
                HathoraClient* client;
                Check(N.hathora_client_new(config, &client));
                return new NativeClient(client);
            }
            finally
            {
                N.hathora_config_free(config);
            }
        }

        static void Configure(HathoraConfig* config, HathoraRoomsClientOptions o)
        {
            fixed (byte* appId = Utf8.Encode(o.AppId, "AppId"), token = Utf8.Encode(o.DevToken, "DevToken"), url = Utf8.Encode(o.ServerUrl, "ServerUrl"))
            {
                if (appId != null)
                {
                    Check(N.hathora_config_set_app_id(config, appId));
                }
                Check(N.hathora_config_set_dev_token(config, token));
                Check(N.hathora_config_set_base_url(config, url));
            }
            Check(N.hathora_config_set_timeouts(config, Millis.From(o.Timeout, "Timeout"), Millis.From(o.ConnectTimeout, "ConnectTimeout")));
            Check(N.hathora_config_set_retry(config, NonNegative(o.MaxRetries, "MaxRetries"),
                Millis.From(o.InitialBackoff, "InitialBackoff"), Millis.From(o.MaxBackoff, "MaxBackoff")));
            Check(N.hathora_config_set_min_workers(config, NonNegative(o.MinWorkers, "MinWorkers")));
            Check(N.hathora_config_set_max_workers(config, NonNegative(o.MaxWorkers, "MaxWorkers")));
            Check(N.hathora_config_set_worker_idle_ms(config, Millis.From(o.WorkerIdle, "WorkerIdle")));
            Check(N.hathora_config_set_dispatch_mode(config, (uint)o.DispatchMode));
            Check(N.hathora_config_set_queue_capacity(config, NonNegative(o.QueueCapacity, "QueueCapacity")));
            Check(N.hathora_config_set_allow_insecure_http(config, o.AllowInsecureHttp));
        }

        public void Free()
        {
            IntPtr h = Interlocked.Exchange(ref handle, IntPtr.Zero);
            if (h != IntPtr.Zero)
            {
                // Returns once every callback of this client has run.
                N.hathora_client_free((HathoraClient*)h);
                GC.SuppressFinalize(this);
            }
        }

        public int Poll(int maxCallbacks)
        {
            return NativeSize.ToInt(N.hathora_client_poll(Handle, NativeSize.From(maxCallbacks)));
        }

        // Best effort: an id that already completed (or a freed client) is simply refused.
        public void Cancel(ulong requestId)
        {
            N.hathora_client_cancel(Handle, requestId);
        }

        public int Pending
        {
            get { return NativeSize.ToInt(N.hathora_client_pending(Handle)); }
        }

        // Valid right after a failing call, on the thread that made it.
        public static string LastError()
        {
            return Utf8.Decode(N.hathora_last_error_message()) ?? "no message";
        }

        static void Check(HathoraResultCode code)
        {
            if (code != HathoraResultCode.Ok)
            {
                throw new HathoraInvalidArgumentException(LastError());
            }
        }

        static uint NonNegative(int value, string name)
        {
            if (value < 0)
            {
                throw new HathoraInvalidArgumentException(name + " must not be negative, got " + value);
            }
            return (uint)value;
        }
    }
}
