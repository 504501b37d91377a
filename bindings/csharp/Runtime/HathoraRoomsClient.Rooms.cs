using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Interop;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms
{
    // The nine RoomsV2 operations and wait-until-active. Each only pins its arguments and names its
    // native function, callback and decoder; RequestDispatcher does the rest the same way for all.
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
    }
}
