using System;
using System.Runtime.InteropServices;
using AOT;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // The only managed code native code calls when a request completes: one static method,
    // marked for IL2CPP and Mono AOT, which build its one native-to-managed wrapper. Its delegate
    // lives in a static readonly field, so the GC never collects what the library still holds.
    // Nothing here may throw back into native code.
    internal static unsafe class Completion
    {
        public static readonly HathoraCallback Callback = OnComplete;

        // Nesting depth of OnComplete on this thread (worker mode runs continuations inside it).
        [ThreadStatic]
        static int depth;

        public static bool IsRunningOnThisThread
        {
            get { return depth > 0; }
        }

        // Runs exactly once per accepted request, so the GCHandle is freed here, and the result
        // (which the callback owns) is freed whatever happens.
        [MonoPInvokeCallback(typeof(HathoraCallback))]
        static void OnComplete(void* userData, ulong requestId, HathoraResult* result)
        {
            depth++;
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
            finally
            {
                depth--;
            }
        }
    }
}
