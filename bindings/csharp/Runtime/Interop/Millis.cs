using System;

namespace Hathora.Rooms.Interop
{
    // Durations cross the C ABI as whole milliseconds in a uint32.
    internal static class Millis
    {
        // A positive duration, rounded up so that a sub-millisecond one does not become 0 ("none").
        public static uint From(TimeSpan value, string argumentName)
        {
            double ms = Math.Ceiling(value.TotalMilliseconds);
            if (ms <= 0 || ms > uint.MaxValue)
            {
                throw new HathoraInvalidArgumentException(argumentName + " must be between 1 ms and " + uint.MaxValue + " ms, got " + value);
            }
            return (uint)ms;
        }

        // A duration that may be zero (a backoff), rounded up to whole milliseconds.
        public static uint FromNonNegative(TimeSpan value, string argumentName)
        {
            return value == TimeSpan.Zero ? 0 : From(value, argumentName);
        }
    }
}
