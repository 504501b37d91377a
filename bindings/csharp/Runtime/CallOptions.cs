using System;

namespace Hathora.Rooms
{
    /// <summary>Overrides of the client's settings for one call. Null properties keep the client's.</summary>
    public sealed class CallOptions
    {
        /// <summary>App id of this call.</summary>
        public string AppId { get; set; }

        /// <summary>Overall deadline of this call, retries included.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Deadline of each TCP/TLS connect of this call.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>Retries of this call; 0 turns them off.</summary>
        public int? MaxRetries { get; set; }
    }
}
