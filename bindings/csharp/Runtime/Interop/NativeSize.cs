using System;

namespace Hathora.Rooms.Interop
{
    // The only place that converts size_t values (UIntPtr in the generated stubs, which every
    // C# compiler Unity has used understands).
    internal static class NativeSize
    {
        public static int ToInt(UIntPtr value)
        {
            return checked((int)value.ToUInt64());
        }

        public static UIntPtr From(int value)
        {
            return new UIntPtr(checked((uint)value));
        }
    }
}
