using System;
using System.Collections.Generic;
using AOT;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms.Interop
{
    // One log line waiting for the handler.
    internal struct LogLine
    {
        public HathoraLogLevel Level;
        public string Text;
    }

    // Target of the native log hook, which may call it from several native threads at once. It
    // only copies the line into a bounded queue; HathoraRoomsLog.Drain hands the lines to the
    // user's handler later, on a managed thread. Like Trampolines: a static method marked for
    // IL2CPP, its delegate in a static readonly field, and nothing thrown back into native code.
    internal static unsafe class LogTrampoline
    {
        // Beyond this many undelivered lines the oldest is dropped (nobody drains, e.g. a worker-mode
        // app that never polls), so memory stays bounded.
        public const int Capacity = 1000;

        public static readonly N.hathora_set_log_callback_callback_delegate Callback = OnLog;

        static readonly Queue<LogLine> lines = new Queue<LogLine>();
        static long dropped;

        public static long Dropped
        {
            get
            {
                lock (lines)
                {
                    return dropped;
                }
            }
        }

        public static int Count
        {
            get
            {
                lock (lines)
                {
                    return lines.Count;
                }
            }
        }

        [MonoPInvokeCallback(typeof(N.hathora_set_log_callback_callback_delegate))]
        static void OnLog(void* userData, uint level, byte* message)
        {
            try
            {
                Enqueue(ToLevel(level), Utf8.Decode(message) ?? string.Empty);
            }
            catch (Exception e)
            {
                Diagnostics.ReportUnexpected(e);
            }
        }

        public static void Enqueue(HathoraLogLevel level, string text)
        {
            lock (lines)
            {
                if (lines.Count >= Capacity)
                {
                    lines.Dequeue();
                    dropped++;
                }
                lines.Enqueue(new LogLine { Level = level, Text = text });
            }
        }

        public static bool TryDequeue(out LogLine line)
        {
            lock (lines)
            {
                if (lines.Count == 0)
                {
                    line = default(LogLine);
                    return false;
                }
                line = lines.Dequeue();
                return true;
            }
        }

        public static void Discard()
        {
            lock (lines)
            {
                lines.Clear();
            }
        }

        // The native numbers are the managed ones; a level added later counts as Debug.
        static HathoraLogLevel ToLevel(uint level)
        {
            return level >= (uint)HathoraLogLevel.Error && level <= (uint)HathoraLogLevel.Debug ? (HathoraLogLevel)level : HathoraLogLevel.Debug;
        }
    }
}
