using System.Collections.Generic;
using System.Text;

namespace Hathora.Rooms.Interop
{
    // Strings cross the C ABI as NUL-terminated UTF-8. Marshal.PtrToStringUTF8 is missing on
    // older Unity profiles, so decoding counts the bytes itself.
    internal static unsafe class Utf8
    {
        // NULL for null, which the C API reads as "absent". A NUL inside would silently cut the
        // string short on the native side, so it is refused.
        public static byte[] Encode(string value, string argumentName)
        {
            if (value == null)
            {
                return null;
            }
            if (value.IndexOf('\0') >= 0)
            {
                throw new HathoraInvalidArgumentException(argumentName + " must not contain a NUL character");
            }
            var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
            Encoding.UTF8.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        // All strings in one buffer, each NUL-terminated, with the offset where each starts: one
        // `fixed` then pins the whole list for a `const char *const *` argument.
        public static byte[] EncodeList(IList<string> values, string argumentName, out int[] offsets)
        {
            offsets = new int[values == null ? 0 : values.Count];
            if (offsets.Length == 0)
            {
                return null;
            }
            var buffer = new List<byte>();
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i] == null)
                {
                    throw new HathoraInvalidArgumentException(argumentName + "[" + i + "] must not be null");
                }
                offsets[i] = buffer.Count;
                buffer.AddRange(Encode(values[i], argumentName + "[" + i + "]"));
            }
            return buffer.ToArray();
        }

        public static string Decode(byte* text)
        {
            if (text == null)
            {
                return null;
            }
            int length = 0;
            while (text[length] != 0)
            {
                length++;
            }
            return Decode(text, length);
        }

        public static string Decode(byte* text, int length)
        {
            if (text == null)
            {
                return null;
            }
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(text, length);
        }
    }
}
