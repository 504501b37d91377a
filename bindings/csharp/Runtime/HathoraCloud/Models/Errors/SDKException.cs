using System;
using HathoraResponse = Hathora.Rooms.HathoraResponse;

namespace HathoraCloud.Models.Errors
{
    /// <summary>
    /// An error status (4xx/5xx) the operation does not declare, e.g. 403, which no RoomsV2 operation declares.
    /// Only HTTP answers become SDKException: a failure to reach the API, a deadline and a
    /// cancellation keep the library's own types (HathoraTransportException,
    /// HathoraTimeoutException, HathoraCanceledException).
    /// </summary>
    public class SDKException : Exception
    {
        public SDKException(string message, int statusCode, string body, HathoraResponse rawResponse = null, Exception innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
            Body = body ?? string.Empty;
            RawResponse = rawResponse;
        }

        public int StatusCode { get; private set; }

        /// <summary>The answer's body as received ("" when there was none).</summary>
        public string Body { get; private set; }

        /// <summary>Status, body, attempts and request id of the answer (not a UnityWebRequest).</summary>
        public HathoraResponse RawResponse { get; private set; }
    }
}
