namespace Hathora.Rooms
{
    /// <summary>What every successful call returns: the HTTP status and the raw JSON body.</summary>
    public class HathoraResponse
    {
        public HathoraResponse(int statusCode, string rawBody, int attempts, ulong requestId)
        {
            StatusCode = statusCode;
            RawBody = rawBody;
            Attempts = attempts;
            RequestId = requestId;
        }

        /// <summary>HTTP status of the answer, e.g. 201 or 204.</summary>
        public int StatusCode { get; private set; }

        /// <summary>The response body as received ("" when there was none).</summary>
        public string RawBody { get; private set; }

        /// <summary>HTTP attempts made, retries and wait-until-active polls included.</summary>
        public int Attempts { get; private set; }

        /// <summary>The native request id (useful to correlate with the library's log lines).</summary>
        public ulong RequestId { get; private set; }
    }

    /// <summary>A successful call with typed data in <see cref="Value"/>.</summary>
    public sealed class HathoraResponse<T> : HathoraResponse
    {
        public HathoraResponse(T value, HathoraResponse meta)
            : base(meta.StatusCode, meta.RawBody, meta.Attempts, meta.RequestId)
        {
            Value = value;
        }

        public T Value { get; private set; }
    }
}
