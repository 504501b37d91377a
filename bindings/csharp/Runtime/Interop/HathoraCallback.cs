using System.Runtime.InteropServices;

namespace Hathora.Rooms.Native
{
    /// <summary>
    /// HathoraCallback of hathora_rooms.h: the completion of every asynchronous call. Declared by
    /// hand (build.rs keeps its Rust alias from csbindgen), so every generated async stub takes
    /// this one delegate type and the package passes one delegate, bound to one static method.
    /// </summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public unsafe delegate void HathoraCallback(void* user_data, ulong request_id, HathoraResult* result);
}
