using System;
using System.Runtime.InteropServices;
using AOT;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // HathoraCallback of hathora_rooms.h: the completion of every asynchronous call.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal unsafe delegate void CompletionCallback(void* userData, ulong requestId, HathoraResult* result);

    // The only managed code native code calls when a request completes: one static method,
    // marked for IL2CPP and Mono AOT, which build its one native-to-managed wrapper. Its delegate
    // lives in a static readonly field, so the GC never collects what the library still holds.
    // Nothing here may throw back into native code.
    internal static unsafe class Completion
    {
        public static readonly CompletionCallback Callback = OnComplete;

        // Nesting depth of OnComplete on this thread (worker mode runs continuations inside it).
        [ThreadStatic]
        static int depth;

        public static bool IsRunningOnThisThread
        {
            get { return depth > 0; }
        }

        // The generated stubs type each async function's callback with a delegate of its own
        // (csbindgen names them per function). Each gets a delegate of that type bound to this
        // same static method, made once and held: native code always reaches the one wrapper.
        public static T As<T>() where T : class
        {
            return Bound<T>.Callback;
        }

        static class Bound<T> where T : class
        {
            public static readonly T Callback = (T)(object)Delegate.CreateDelegate(typeof(T), Completion.Callback.Method);
        }

        // Runs exactly once per accepted request, so the GCHandle is freed here, and the result
        // (which the callback owns) is freed whatever happens.
        [MonoPInvokeCallback(typeof(CompletionCallback))]
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
