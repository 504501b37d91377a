using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Interop;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms
{
    // The nine RoomsV2 operations, wait-until-active, the rooms of this process, DiscoveryV2 and
    // region pings. Each only pins its arguments and names its native function and decoder;
    // RequestDispatcher does the rest the same way for all.
    // Failures surface when the task is awaited: see HathoraException and HathoraCanceledException.
    public sealed partial class HathoraRoomsClient
    {
        /// <summary>CreateRoom. <paramref name="roomId"/> null: the library picks one (retries never create a second room).</summary>
        public unsafe Task<HathoraResponse<RoomConnectionData>> CreateRoomAsync(CreateRoomParams createRoomParams, string roomId = null, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.RoomConnectionData, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                if (createRoomParams == null)
                {
                    throw new HathoraInvalidArgumentException("createRoomParams must not be null");
                }
                CreateRoomParams p = createRoomParams;
                int[] offsets;
                byte[] ips = Utf8.EncodeList(p.ClientIPs, "ClientIPs", out offsets);
                fixed (byte* regionName = Utf8.Encode(p.RegionName, "RegionName"), id = Utf8.Encode(roomId, "roomId"),
                       config = Utf8.Encode(p.RoomConfig, "RoomConfig"), deployment = Utf8.Encode(p.DeploymentId, "DeploymentId"),
                       ipText = ips)
                fixed (IntPtr* ipList = new IntPtr[offsets.Length])
                {
                    for (int i = 0; i < offsets.Length; i++)
                    {
                        ipList[i] = (IntPtr)(ipText + offsets[i]);
                    }
                    HathoraCreateRoomParams native = N.hathora_create_room_params_init();
                    native.region = (uint)p.Region;
                    native.region_name = regionName;
                    native.room_id = id;
                    native.room_config = config;
                    native.deployment_id = deployment;
                    native.client_ips = (byte**)ipList;
                    native.client_ips_count = NativeSize.From(offsets.Length);
                    return N.hathora_create_room_async(client, &native, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>GetRoomInfo: the room with its current and past allocations.</summary>
        public unsafe Task<HathoraResponse<Room>> GetRoomInfoAsync(string roomId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Room, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_get_room_info_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>GetActiveRoomsForProcess: the process's scheduling and active rooms.</summary>
        public unsafe Task<HathoraResponse<IReadOnlyList<RoomWithoutAllocations>>> GetActiveRoomsForProcessAsync(string processId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Rooms, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(processId, "processId"))
                {
                    return N.hathora_get_active_rooms_for_process_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>GetInactiveRoomsForProcess: the process's suspended and destroyed rooms.</summary>
        public unsafe Task<HathoraResponse<IReadOnlyList<RoomWithoutAllocations>>> GetInactiveRoomsForProcessAsync(string processId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Rooms, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(processId, "processId"))
                {
                    return N.hathora_get_inactive_rooms_for_process_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>GetConnectionInfo: where to connect; ExposedPort is null until the room is active. Needs no dev token.</summary>
        public unsafe Task<HathoraResponse<ConnectionInfoV2>> GetConnectionInfoAsync(string roomId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.ConnectionInfo, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_get_connection_info_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>UpdateRoomConfig: replaces the room's config (at most 10,000 characters).</summary>
        public unsafe Task<HathoraResponse> UpdateRoomConfigAsync(string roomId, string roomConfig, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Empty, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"), config = Utf8.Encode(roomConfig, "roomConfig"))
                {
                    return N.hathora_update_room_config_async(client, id, config, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>DestroyRoom. A retry that finds the room already gone counts as success.</summary>
        public unsafe Task<HathoraResponse> DestroyRoomAsync(string roomId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Empty, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_destroy_room_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>SuspendRoomV2Deprecated (deprecated by Hathora): unschedules the room; ResumeRoomAsync schedules it again.</summary>
        [Obsolete("Deprecated by Hathora: this will be removed in a future release.")]
        public unsafe Task<HathoraResponse> SuspendRoomV2DeprecatedAsync(string roomId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Empty, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_suspend_room_v2_deprecated_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>ResumeRoom: schedules a suspended room again (status Starting; ProcessId may be null).</summary>
        public unsafe Task<HathoraResponse<RoomConnectionData>> ResumeRoomAsync(string roomId, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.RoomConnectionData, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_resume_room_async(client, id, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>
        /// Polls GetConnectionInfo (200 ms apart, growing to 2 s) until the room is active, then returns
        /// its connection info with ExposedPort set. Fails with <see cref="HathoraTimeoutException"/>
        /// when <paramref name="timeout"/> passes first. Needs no dev token.
        /// </summary>
        public Task<HathoraResponse<ConnectionInfoV2>> WaitUntilActiveAsync(string roomId, TimeSpan timeout, CancellationToken cancellationToken)
        {
            return WaitUntilActiveAsync(roomId, timeout, null, cancellationToken);
        }

        /// <summary>As above; <paramref name="options"/> bounds each poll (Timeout) and sets the app id and retries.</summary>
        public unsafe Task<HathoraResponse<ConnectionInfoV2>> WaitUntilActiveAsync(string roomId, TimeSpan timeout, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.ConnectionInfo, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                uint timeoutMs = Millis.From(timeout, "timeout");
                fixed (byte* id = Utf8.Encode(roomId, "roomId"))
                {
                    return N.hathora_wait_until_active_async(client, id, timeoutMs, opts, Completion.Callback, userData, requestId);
                }
            });
        }

        /// <summary>
        /// The game server's own rooms with their configs: GetActiveRoomsForProcess for the process
        /// of <see cref="HathoraRoomsClientOptions.ServerContext"/>, with its process token (else the
        /// DevToken). Without a server context: <see cref="HathoraInvalidArgumentException"/>.
        /// </summary>
        public unsafe Task<HathoraResponse<IReadOnlyList<RoomWithoutAllocations>>> GetRoomsOfThisProcessAsync(CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.Rooms, options, cancellationToken, (client, opts, userData, requestId) =>
                N.hathora_get_rooms_of_this_process_async(client, opts, Completion.Callback, userData, requestId));
        }

        /// <summary>DiscoveryV2 GetPingServiceEndpoints: every region's UDP echo beacon. Sends no token; needs no app id.</summary>
        public unsafe Task<HathoraResponse<IReadOnlyList<PingEndpoint>>> GetPingServiceEndpointsAsync(CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.PingEndpoints, options, cancellationToken, (client, opts, userData, requestId) =>
                N.hathora_get_ping_service_endpoints_async(client, opts, Completion.Callback, userData, requestId));
        }

        /// <summary>
        /// Region pings: the round trip to each endpoint's UDP echo beacon (DiscoveryV2's list when
        /// <paramref name="ping"/> names none), <c>Rounds</c> datagrams each, so a matchmaker can
        /// pick the nearest region. One job on the native pool, one worker for the whole
        /// measurement; cancelling the token ends it at once. A silent region has Answered 0 and
        /// MinRtt null. <paramref name="options"/> bounds the DiscoveryV2 call.
        /// </summary>
        public unsafe Task<HathoraResponse<IReadOnlyList<RegionPing>>> PingRegionsAsync(PingOptions ping = null, CallOptions options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return dispatcher.Run(ResultReader.RegionPings, options, cancellationToken, (client, opts, userData, requestId) =>
            {
                HathoraPingOptions native = N.hathora_ping_options_init();
                IList<PingEndpoint> endpoints = ping == null ? null : ping.Endpoints;
                int count = endpoints == null ? 0 : endpoints.Count;
                var names = new List<string>(count);
                var hosts = new List<string>(count);
                for (int i = 0; i < count; i++)
                {
                    if (endpoints[i] == null)
                    {
                        throw new HathoraInvalidArgumentException("ping.Endpoints[" + i + "] must not be null");
                    }
                    names.Add(endpoints[i].RegionRaw);
                    hosts.Add(endpoints[i].Host);
                }
                int[] nameOffsets, hostOffsets;
                byte[] nameText = Utf8.EncodeList(names, "ping.Endpoints[].RegionRaw", out nameOffsets);
                byte[] hostText = Utf8.EncodeList(hosts, "ping.Endpoints[].Host", out hostOffsets);
                if (ping != null)
                {
                    if (ping.Rounds.HasValue)
                    {
                        if (ping.Rounds.Value < 1)
                        {
                            throw new HathoraInvalidArgumentException("ping.Rounds must be 1 to 100, got " + ping.Rounds.Value);
                        }
                        native.rounds = (uint)ping.Rounds.Value;
                    }
                    native.timeout_ms = Millis.FromNullable(ping.Timeout, "ping.Timeout") ?? 0;
                    native.lookup_timeout_ms = Millis.FromNullable(ping.LookupTimeout, "ping.LookupTimeout") ?? 0;
                }
                fixed (byte* nameBase = nameText, hostBase = hostText)
                fixed (HathoraPingTarget* targets = new HathoraPingTarget[Math.Max(count, 1)])
                {
                    for (int i = 0; i < count; i++)
                    {
                        int port = endpoints[i].Port;
                        if (port < 1 || port > 65535)
                        {
                            throw new HathoraInvalidArgumentException("ping.Endpoints[" + i + "].Port must be 1 to 65535, got " + port);
                        }
                        targets[i].region = (uint)endpoints[i].Region;
                        targets[i].region_name = nameBase + nameOffsets[i];
                        targets[i].host = hostBase + hostOffsets[i];
                        targets[i].port = (ushort)port;
                    }
                    native.targets = count == 0 ? null : targets;
                    native.targets_count = NativeSize.From(count);
                    return N.hathora_ping_regions_async(client, &native, opts, Completion.Callback, userData, requestId);
                }
            });
        }
    }
}
