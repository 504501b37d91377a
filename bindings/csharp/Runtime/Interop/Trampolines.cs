using System;
using System.Runtime.InteropServices;
using AOT;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // The only managed code native code ever calls. IL2CPP needs each target to be a static method
    // marked with its delegate type, and the stubs give every async function its own delegate type,
    // hence one field and one method per operation. The fields are static readonly so the GC never
    // collects a delegate the library still holds. Nothing here may throw back into native code.
    internal static unsafe class Trampolines
    {
        public static readonly N.hathora_create_room_async_callback_delegate CreateRoom = OnCreateRoom;
        public static readonly N.hathora_destroy_room_async_callback_delegate DestroyRoom = OnDestroyRoom;
        public static readonly N.hathora_get_active_rooms_for_process_async_callback_delegate GetActiveRoomsForProcess = OnGetActiveRoomsForProcess;
        public static readonly N.hathora_get_inactive_rooms_for_process_async_callback_delegate GetInactiveRoomsForProcess = OnGetInactiveRoomsForProcess;
        public static readonly N.hathora_get_connection_info_async_callback_delegate GetConnectionInfo = OnGetConnectionInfo;
        public static readonly N.hathora_get_room_info_async_callback_delegate GetRoomInfo = OnGetRoomInfo;
        public static readonly N.hathora_suspend_room_v2_deprecated_async_callback_delegate SuspendRoomV2Deprecated = OnSuspendRoomV2Deprecated;
        public static readonly N.hathora_update_room_config_async_callback_delegate UpdateRoomConfig = OnUpdateRoomConfig;
        public static readonly N.hathora_resume_room_async_callback_delegate ResumeRoom = OnResumeRoom;
        public static readonly N.hathora_wait_until_active_async_callback_delegate WaitUntilActive = OnWaitUntilActive;

        [MonoPInvokeCallback(typeof(N.hathora_create_room_async_callback_delegate))]
        static void OnCreateRoom(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_destroy_room_async_callback_delegate))]
        static void OnDestroyRoom(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_get_active_rooms_for_process_async_callback_delegate))]
        static void OnGetActiveRoomsForProcess(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_get_inactive_rooms_for_process_async_callback_delegate))]
        static void OnGetInactiveRoomsForProcess(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_get_connection_info_async_callback_delegate))]
        static void OnGetConnectionInfo(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_get_room_info_async_callback_delegate))]
        static void OnGetRoomInfo(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_suspend_room_v2_deprecated_async_callback_delegate))]
        static void OnSuspendRoomV2Deprecated(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_update_room_config_async_callback_delegate))]
        static void OnUpdateRoomConfig(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_resume_room_async_callback_delegate))]
        static void OnResumeRoom(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        [MonoPInvokeCallback(typeof(N.hathora_wait_until_active_async_callback_delegate))]
        static void OnWaitUntilActive(void* userData, ulong requestId, HathoraResult* result)
        {
            Complete(userData, result);
        }

        // Each callback runs exactly once per accepted request, so the GCHandle is freed here, and
        // the result (which the callback owns) is freed whatever happens.
        static void Complete(void* userData, HathoraResult* result)
        {
            try
            {
                GCHandle handle = GCHandle.FromIntPtr((IntPtr)userData);
                var request = (PendingRequest)handle.Target;
                handle.Free();
                if (request.Owner.CompletesOnNativeThreads)
                {
                    NativeThreads.MarkBackground();
                }
                try
                {
                    request.Read(result);
                }
                finally
                {
                    N.hathora_result_free(result);
                    result = null;
                }
                request.Owner.Deliver(request);
            }
            catch (Exception e)
            {
                if (result != null)
                {
                    N.hathora_result_free(result);
                }
                Diagnostics.ReportUnexpected(e);
            }
        }
    }
}
