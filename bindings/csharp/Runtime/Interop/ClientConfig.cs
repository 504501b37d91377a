using System;
using System.Text;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // Creates a native client from the options: one native setter per option that is set.
    internal static unsafe class ClientConfig
    {
        // The caller owns the returned handle. A setting the library refuses throws with its message.
        public static HathoraClient* NewClient(HathoraRoomsClientOptions options)
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
                return client;
            }
            finally
            {
                N.hathora_config_free(config);
            }
        }

        static void Configure(HathoraConfig* config, HathoraRoomsClientOptions o)
        {
            // The context first: AppId and ServerUrl, when set too, win over it.
            if (o.ServerContext != null)
            {
                Apply(config, o.ServerContext);
            }
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
            // An option left null keeps the native default.
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
            Trust(config, o);
        }

        // The CAs to trust; their content is checked by hathora_client_new.
        static void Trust(HathoraConfig* config, HathoraRoomsClientOptions o)
        {
            if (o.UseBuiltInRoots.HasValue)
            {
                Check(N.hathora_config_set_builtin_roots(config, o.UseBuiltInRoots.Value));
            }
            if (o.TrustedCaPem != null)
            {
                // One byte more than the text: `fixed` gives NULL for an empty array, and an empty
                // PEM must reach the library (which says it is empty), not be refused as NULL.
                byte[] pem = new byte[Encoding.UTF8.GetByteCount(o.TrustedCaPem) + 1];
                int length = Encoding.UTF8.GetBytes(o.TrustedCaPem, 0, o.TrustedCaPem.Length, pem, 0);
                fixed (byte* p = pem)
                {
                    Check(N.hathora_config_add_ca_pem(config, p, (UIntPtr)length));
                }
            }
            if (o.TrustedCaFiles != null)
            {
                for (int i = 0; i < o.TrustedCaFiles.Count; i++)
                {
                    string name = "TrustedCaFiles[" + i + "]";
                    if (o.TrustedCaFiles[i] == null)
                    {
                        throw new HathoraInvalidArgumentException(name + " must not be null");
                    }
                    fixed (byte* path = Utf8.Encode(o.TrustedCaFiles[i], name))
                    {
                        Check(N.hathora_config_add_ca_file(config, path));
                    }
                }
            }
        }

        // Hands the context back as its C struct, so the rule of what a client takes from it stays
        // the library's (hathora_config_apply_server_context).
        static void Apply(HathoraConfig* config, HathoraServerContext c)
        {
            fixed (byte* process = Utf8.Encode(c.ProcessId, "ServerContext.ProcessId"), app = Utf8.Encode(c.AppId, "ServerContext.AppId"),
                   regionRaw = Utf8.Encode(c.RegionRaw, "ServerContext.RegionRaw"), room = Utf8.Encode(c.InitialRoomId, "ServerContext.InitialRoomId"),
                   roomConfig = Utf8.Encode(c.InitialRoomConfig, "ServerContext.InitialRoomConfig"), host = Utf8.Encode(c.Hostname, "ServerContext.Hostname"),
                   deployment = Utf8.Encode(c.DeploymentId, "ServerContext.DeploymentId"), tag = Utf8.Encode(c.BuildTag, "ServerContext.BuildTag"),
                   url = Utf8.Encode(c.BaseUrl, "ServerContext.BaseUrl"), token = Utf8.Encode(c.ProcessToken, "ServerContext.ProcessToken"))
            {
                var native = new Native.HathoraServerContext();
                native.process_id = process;
                native.app_id = app;
                native.region = (HathoraRegion)c.Region;
                native.region_raw = regionRaw;
                native.rooms_per_process = (uint)(c.RoomsPerProcess ?? 0);
                native.initial_room_id = room;
                native.initial_room_config = roomConfig;
                native.default_port = (ushort)(c.DefaultPort ?? 0);
                native.hostname = host;
                native.deployment_id = deployment;
                native.build_tag = tag;
                native.base_url = url;
                native.process_token = token;
                Check(N.hathora_config_apply_server_context(config, &native));
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

        static void Check(HathoraResultCode code)
        {
            if (code != HathoraResultCode.Ok)
            {
                throw new HathoraInvalidArgumentException(NativeClient.LastError());
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
