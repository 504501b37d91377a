using System;
using HathoraResponse = Hathora.Rooms.HathoraResponse;

namespace HathoraCloud.Models.Errors
{
    /// <summary>
    /// An error status the operation declares (see the seed reference's tables, e.g. 404 for an
    /// unknown room). <see cref="Exception.Message"/> is the API's message, as in the official SDK;
    /// unlike it, the HTTP status and the raw body are kept too. InnerException is the library's
    /// <see cref="Hathora.Rooms.HathoraApiException"/> (attempts made, request id).
    /// </summary>
    public class ApiError : Exception
    {
        public ApiError(string message, int statusCode, string body, HathoraResponse rawResponse = null, Exception innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
            Body = body ?? string.Empty;
            RawResponse = rawResponse;
        }

        /// <summary>HTTP status of the answer. Not in the official SDK.</summary>
        public int StatusCode { get; private set; }

        /// <summary>The answer's body as received. Not in the official SDK.</summary>
        public string Body { get; private set; }

        /// <summary>Status, body, attempts and request id of the answer. Not in the official SDK.</summary>
        public HathoraResponse RawResponse { get; private set; }
    }
}
