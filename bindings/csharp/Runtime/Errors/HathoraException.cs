using System;
using Hathora.Rooms.Native;

namespace Hathora.Rooms
{
    /// <summary>
    /// A call that failed. Subclasses name the kind of failure; every one keeps the native result
    /// code, the HTTP status (0 when no answer arrived), the raw body and the attempts made.
    /// </summary>
    public abstract class HathoraException : Exception
    {
        protected HathoraException(HathoraResultCode code, string message, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(message)
        {
            Code = code;
            StatusCode = statusCode;
            RawBody = rawBody ?? string.Empty;
            Attempts = attempts;
            RequestId = requestId;
        }

        public HathoraResultCode Code { get; private set; }

        /// <summary>HTTP status of the last answer; 0 when none arrived.</summary>
        public int StatusCode { get; private set; }

        /// <summary>Body of the last answer as received ("" when there was none).</summary>
        public string RawBody { get; private set; }

        public int Attempts { get; private set; }

        /// <summary>The native request id; 0 when the request was refused before it started.</summary>
        public ulong RequestId { get; private set; }
    }

    /// <summary>The API answered with an error status (4xx/5xx), after any retries.</summary>
    public sealed class HathoraApiException : HathoraException
    {
        public HathoraApiException(string apiMessage, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(HathoraResultCode.ApiError, "HTTP " + statusCode + ": " + apiMessage, statusCode, rawBody, attempts, requestId)
        {
            ApiMessage = apiMessage;
        }

        /// <summary>The API's own message (the "message" of its ApiError body).</summary>
        public string ApiMessage { get; private set; }
    }

    /// <summary>The request could not be sent or its answer not read (DNS, connect, reset, TLS).</summary>
    public sealed class HathoraTransportException : HathoraException
    {
        public HathoraTransportException(string message, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(HathoraResultCode.TransportError, message, statusCode, rawBody, attempts, requestId)
        {
        }
    }

    /// <summary>The call's deadline passed (for WaitUntilActiveAsync: the room did not become active in time).</summary>
    public sealed class HathoraTimeoutException : HathoraException
    {
        public HathoraTimeoutException(string message, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(HathoraResultCode.Timeout, message, statusCode, rawBody, attempts, requestId)
        {
        }
    }

    /// <summary>The API answered with a success status, but the body was not what the contract says.</summary>
    public sealed class HathoraDecodeException : HathoraException
    {
        public HathoraDecodeException(string message, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(HathoraResultCode.DecodeError, message, statusCode, rawBody, attempts, requestId)
        {
        }
    }

    /// <summary>An argument was refused before anything was sent; the message says which and why.</summary>
    public sealed class HathoraInvalidArgumentException : HathoraException
    {
        public HathoraInvalidArgumentException(string message)
            : base(HathoraResultCode.InvalidArgument, message, 0, string.Empty, 0, 0)
        {
        }
    }

    /// <summary>Too many requests in flight (see QueueCapacity); nothing was sent. Retry once some complete.</summary>
    public sealed class HathoraQueueFullException : HathoraException
    {
        public HathoraQueueFullException(string message)
            : base(HathoraResultCode.QueueFull, message, 0, string.Empty, 0, 0)
        {
        }
    }

    /// <summary>
    /// <see cref="HathoraServerContext.FromEnvironment"/> outside a game-server process: no host
    /// started it (HATHORA_PROCESS_ID is not set).
    /// </summary>
    public sealed class HathoraNotUnderHostException : HathoraException
    {
        public HathoraNotUnderHostException(string message)
            : base(HathoraResultCode.NotUnderHost, message, 0, string.Empty, 0, 0)
        {
        }
    }

    /// <summary>A bug in the native library, or a result code this package does not know. Please report it.</summary>
    public sealed class HathoraInternalException : HathoraException
    {
        public HathoraInternalException(HathoraResultCode code, string message, int statusCode, string rawBody, int attempts, ulong requestId)
            : base(code, message, statusCode, rawBody, attempts, requestId)
        {
        }
    }
}
