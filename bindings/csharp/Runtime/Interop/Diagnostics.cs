using System;

namespace Hathora.Rooms.Interop
{
    // Last resort for exceptions that have nowhere to go (a callback from native code, the frame
    // pump): report them instead of crashing the game or unwinding into native frames.
    internal static class Diagnostics
    {
        public static void ReportUnexpected(Exception e)
        {
            try
            {
#if UNITY_5_3_OR_NEWER
                UnityEngine.Debug.LogException(e);
#else
                Console.Error.WriteLine("Hathora.Rooms: unexpected exception: " + e);
#endif
            }
            catch
            {
                // Reporting must never throw either.
            }
        }
    }
}
