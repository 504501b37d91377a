using System.Threading.Tasks;

namespace Hathora.Rooms.Interop
{
    internal static class Settle
    {
        // A task faulted with an OperationCanceledException is Faulted; the async method builder
        // turns it into Canceled and keeps the exception, so `await` still throws the
        // HathoraCanceledException with all its details. (Kept out of unsafe code: CS4004.)
        public static async Task<T> Canceled<T>(Task<T> task)
        {
            return await task.ConfigureAwait(false);
        }
    }
}
