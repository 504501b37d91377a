using System;
using System.Threading;

namespace Hathora.Rooms.Interop
{
    // The native library's worker threads enter managed code to complete calls, and the runtime
    // then treats them as foreground threads: Mono waits for them at exit, so a process whose
    // client was never disposed (the HathoraCloud SDK's snippets never dispose theirs) would not
    // exit. Marked background on their first entry, they no longer block that wait; the runtime
    // then raises ProcessExit, where ClientRegistry frees every live client (which ends these
    // threads: Mono would otherwise wait for them to leave native code, forever).
    internal static class NativeThreads
    {
        [ThreadStatic]
        static bool marked;

        // Only for callbacks that run on the library's threads (worker mode), never on a caller's.
        public static void MarkBackground()
        {
            if (marked)
            {
                return;
            }
            marked = true;
            try
            {
                Thread.CurrentThread.IsBackground = true;
            }
            catch (Exception e)
            {
                Diagnostics.ReportUnexpected(e);
            }
        }
    }
}
