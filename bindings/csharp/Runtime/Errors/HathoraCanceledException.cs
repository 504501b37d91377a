using System;
using System.Threading;
using Hathora.Rooms.Native;

namespace Hathora.Rooms
{
    /// <summary>
    /// The call was cancelled through its CancellationToken. The task is in the Canceled state, and
    /// <c>catch (OperationCanceledException)</c> catches this.
    /// </summary>
    public class HathoraCanceledException : OperationCanceledException
    {
        public HathoraCanceledException(string message, CancellationToken token, int attempts, ulong requestId)
            : this(HathoraResultCode.Cancelled, message, token, attempts, requestId)
        {
        }

        protected HathoraCanceledException(HathoraResultCode code, string message, CancellationToken token, int attempts, ulong requestId)
            : base(message, token)
        {
            Code = code;
            Attempts = attempts;
            RequestId = requestId;
        }

        public HathoraResultCode Code { get; private set; }
        public int Attempts { get; private set; }

        /// <summary>The native request id; 0 when the call was cancelled before it started.</summary>
        public ulong RequestId { get; private set; }
    }

    /// <summary>
    /// The client was disposed (or was being disposed) before the call completed. Like any
    /// cancellation, the task is in the Canceled state.
    /// </summary>
    public sealed class HathoraShutDownException : HathoraCanceledException
    {
        public HathoraShutDownException(string message, int attempts, ulong requestId)
            : base(HathoraResultCode.ShutDown, message, CancellationToken.None, attempts, requestId)
        {
        }
    }
}
