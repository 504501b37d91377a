using System;
using System.Runtime.InteropServices;

// Proves that run.sh's `mono --full-aot` really forbids the JIT, as IL2CPP and iOS do: it hands
// libc's qsort a capturing lambda as its comparison callback. Under the JIT that works and this
// prints "sorted"; in full-AOT mode the runtime must refuse it ("aot-only"). A static method
// marked [MonoPInvokeCallback], as the package's trampolines are, is what works there.
internal static class JitCanary
{
    delegate int Compare(IntPtr a, IntPtr b);

    [DllImport("libc")]
    static extern void qsort(IntPtr items, UIntPtr count, UIntPtr size, Compare compare);

    static int Main(string[] args)
    {
        int direction = args.Length == 0 ? 1 : -1;
        Compare compare = (a, b) => direction * (Marshal.ReadInt32(a) - Marshal.ReadInt32(b));
        IntPtr items = Marshal.AllocHGlobal(3 * 4);
        try
        {
            Marshal.WriteInt32(items, 0, 3);
            Marshal.WriteInt32(items, 4, 1);
            Marshal.WriteInt32(items, 8, 2);
            qsort(items, (UIntPtr)3, (UIntPtr)4, compare);
            bool sorted = Marshal.ReadInt32(items, 0) == 1 && Marshal.ReadInt32(items, 8) == 3;
            Console.WriteLine(sorted ? "sorted" : "not sorted");
            return sorted ? 0 : 1;
        }
        finally
        {
            Marshal.FreeHGlobal(items);
        }
    }
}
