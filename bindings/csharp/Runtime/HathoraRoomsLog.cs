using System;
using System.Threading;
using Hathora.Rooms.Interop;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms
{
    /// <summary>Severity of a line of the native library's log; a handler gets lines at or below its level.</summary>
    public enum HathoraLogLevel
    {
        Error = 1,
        Warn = 2,
        /// <summary>Retries, and retries resolved to an earlier attempt's result.</summary>
        Info = 3,
        /// <summary>Also one summary line per call.</summary>
        Debug = 4,
    }

    /// <summary>
    /// Routes the native library's log (process-wide) to a handler. The library logs from its own
    /// threads; the lines wait in a bounded queue and the handler runs only inside
    /// <see cref="Drain"/>, on the thread that calls it. In Unity the package drains once per frame
    /// on the main thread; <see cref="HathoraRoomsClient.Poll"/> drains too. Elsewhere, call
    /// <see cref="Drain"/> (or <c>client.Poll()</c>) from your own loop. Lines never contain the dev token.
    /// </summary>
    public static unsafe class HathoraRoomsLog
    {
        // Serialises SetHandler and Clear. The trampoline never takes it: Clear holds it while the
        // library waits for log calls in progress to return.
        static readonly object gate = new object();
        static Action<HathoraLogLevel, string> handler;

        /// <summary>Lines dropped since the process started because more than 1,000 waited for a drain.</summary>
        public static long DroppedCount
        {
            get { return LogTrampoline.Dropped; }
        }

        /// <summary>
        /// Sends the library's lines up to <paramref name="maxLevel"/> to <paramref name="handler"/>,
        /// replacing any handler set before. Lines already waiting go to the new handler.
        /// </summary>
        /// <exception cref="HathoraInvalidArgumentException">handler is null or maxLevel is not a level.</exception>
        public static void SetHandler(Action<HathoraLogLevel, string> handler, HathoraLogLevel maxLevel = HathoraLogLevel.Info)
        {
            if (handler == null)
            {
                throw new HathoraInvalidArgumentException("handler must not be null; call HathoraRoomsLog.Clear() to remove it");
            }
            if (maxLevel < HathoraLogLevel.Error || maxLevel > HathoraLogLevel.Debug)
            {
                throw new HathoraInvalidArgumentException("maxLevel must be Error, Warn, Info or Debug, got " + maxLevel);
            }
            lock (gate)
            {
                if (N.hathora_set_log_callback(LogTrampoline.Callback, null, (uint)maxLevel) != Native.HathoraResultCode.Ok)
                {
                    throw new HathoraInvalidArgumentException(Interop.NativeClient.LastError());
                }
                Volatile.Write(ref HathoraRoomsLog.handler, handler);
            }
        }

        /// <summary>
        /// Removes the handler and discards the lines not delivered yet. The native hook goes first:
        /// once this returns, no native thread is inside or will enter the package's callback. The
        /// package calls it before a domain reload, when leaving Play Mode and when quitting.
        /// </summary>
        public static void Clear()
        {
            lock (gate)
            {
                // No handler (never set, or cleared): nothing to remove, and the editor hooks must not load
                // the native library for nothing.
                if (Volatile.Read(ref handler) == null)
                {
                    return;
                }
                N.hathora_set_log_callback(null, null, 0);
                Volatile.Write(ref handler, null);
                LogTrampoline.Discard();
            }
        }

        /// <summary>
        /// Hands the waiting lines, oldest first, to the handler on this thread and returns how many
        /// it got. Stops at the lines that were waiting when it started, so a handler that causes more
        /// logging cannot keep it running. An exception from the handler is reported, not thrown.
        /// </summary>
        public static int Drain()
        {
            int delivered = 0;
            for (int budget = LogTrampoline.Count; budget > 0; budget--)
            {
                Action<HathoraLogLevel, string> current = Volatile.Read(ref handler);
                LogLine line;
                // A handler that called Clear ends the drain (the queue is empty then anyway).
                if (current == null || !LogTrampoline.TryDequeue(out line))
                {
                    break;
                }
                try
                {
                    current(line.Level, line.Text);
                }
                catch (Exception e)
                {
                    Diagnostics.ReportUnexpected(e);
                }
                delivered++;
            }
            return delivered;
        }
    }
}
