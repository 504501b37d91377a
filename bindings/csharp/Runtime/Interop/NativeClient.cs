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
                if (url != null)
                {
                    Check(N.hathora_config_set_base_url(config, url));
                }
            }
            // One native setter per option; an option left null keeps the native default.
            Set(config, N.hathora_config_set_timeout_ms, Millis.FromNullable(o.Timeout, "Timeout"));
            Set(config, N.hathora_config_set_connect_timeout_ms, Millis.FromNullable(o.ConnectTimeout, "ConnectTimeout"));
            Set(config, N.hathora_config_set_max_retries, NonNegative(o.MaxRetries, "MaxRetries"));
            Set(config, N.hathora_config_set_initial_backoff_ms, Millis.FromNullableOrZero(o.InitialBackoff, "InitialBackoff"));
            Set(config, N.hathora_config_set_max_backoff_ms, Millis.FromNullableOrZero(o.MaxBackoff, "MaxBackoff"));
            Set(config, N.hathora_config_set_min_workers, NonNegative(o.MinWorkers, "MinWorkers"));
            Set(config, N.hathora_config_set_max_workers, NonNegative(o.MaxWorkers, "MaxWorkers"));
            Set(config, N.hathora_config_set_worker_idle_ms, Millis.FromNullable(o.WorkerIdle, "WorkerIdle"));
            Set(config, N.hathora_config_set_dispatch_mode, (uint)o.DispatchMode);
            Set(config, N.hathora_config_set_queue_capacity, NonNegative(o.QueueCapacity, "QueueCapacity"));
            if (o.AllowInsecureHttp.HasValue)
            {
                Check(N.hathora_config_set_allow_insecure_http(config, o.AllowInsecureHttp.Value));
            }
        }

        delegate HathoraResultCode UIntSetter(HathoraConfig* config, uint value);

        // Calls the setter when the option is set; a refusal throws with the native message.
        static void Set(HathoraConfig* config, UIntSetter setter, uint? value)
        {
            if (value.HasValue)
            {
                Check(setter(config, value.Value));
            }
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

        static uint? NonNegative(int? value, string name)
        {
            if (value < 0)
            {
                throw new HathoraInvalidArgumentException(name + " must not be negative, got " + value);
            }
            return (uint?)value;
        }
    }
}
