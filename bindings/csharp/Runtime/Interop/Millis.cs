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

        // A positive duration, or null when absent.
        public static uint? FromNullable(TimeSpan? value, string argumentName)
        {
            return value.HasValue ? From(value.Value, argumentName) : (uint?)null;
        }

        // A duration that may also be zero (a backoff), or null when absent.
        public static uint? FromNullableOrZero(TimeSpan? value, string argumentName)
        {
            return value == TimeSpan.Zero ? 0 : FromNullable(value, argumentName);
        }
    }
}
