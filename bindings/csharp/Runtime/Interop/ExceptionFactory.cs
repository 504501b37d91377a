using System;
using System.Threading;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Interop
{
    // Turns a failed result, or a refused call, into the exception its code names.
    internal static unsafe class ExceptionFactory
    {
        public static Exception FromResult(HathoraResult* result, HathoraResultCode code, CancellationToken token)
        {
            HathoraResponse meta = ResultReader.Meta(result);
            string message = Utf8.Decode(NativeMethods.hathora_result_message(result)) ?? CodeText(code);
            int status = meta.StatusCode, attempts = meta.Attempts;
            string body = meta.RawBody;
            ulong id = meta.RequestId;
            switch (code)
            {
                case HathoraResultCode.ApiError: return new HathoraApiException(message, status, body, attempts, id);
                case HathoraResultCode.TransportError: return new HathoraTransportException(message, status, body, attempts, id);
                case HathoraResultCode.Timeout: return new HathoraTimeoutException(message, status, body, attempts, id);
                case HathoraResultCode.DecodeError: return new HathoraDecodeException(message, status, body, attempts, id);
                case HathoraResultCode.Cancelled: return new HathoraCanceledException(message, token, attempts, id);
                case HathoraResultCode.ShutDown: return new HathoraShutDownException(message, attempts, id);
                case HathoraResultCode.InvalidArgument: return new HathoraInvalidArgumentException(message);
                case HathoraResultCode.QueueFull: return new HathoraQueueFullException(message);
                case HathoraResultCode.NotUnderHost: return new HathoraNotUnderHostException(message);
                default: return new HathoraInternalException(code, message, status, body, attempts, id);
            }
        }

        // A success whose data this package could not read (e.g. a malformed timestamp).
        public static Exception Undecodable(HathoraResult* result, Exception cause)
        {
            HathoraResponse meta = ResultReader.Meta(result);
            return new HathoraDecodeException("the response could not be read: " + cause.Message, meta.StatusCode, meta.RawBody, meta.Attempts, meta.RequestId);
        }

        // An asynchronous call the library refused at once; no callback will run.
        public static Exception Refused(HathoraResultCode code, string message, bool disposed)
        {
            if (disposed)
            {
                return new ObjectDisposedException(typeof(HathoraRoomsClient).Name, message);
            }
            switch (code)
            {
                case HathoraResultCode.InvalidArgument: return new HathoraInvalidArgumentException(message);
                case HathoraResultCode.QueueFull: return new HathoraQueueFullException(message);
                case HathoraResultCode.ShutDown: return new HathoraShutDownException(message, 0, 0);
                case HathoraResultCode.NotUnderHost: return new HathoraNotUnderHostException(message);
                default: return new HathoraInternalException(code, message, 0, string.Empty, 0, 0);
            }
        }

        static string CodeText(HathoraResultCode code)
        {
            return Utf8.Decode(NativeMethods.hathora_result_code_to_string((uint)code));
        }
    }
}
