using System;
using System.Collections.Generic;

namespace Hathora.Rooms
{
    /// <summary>Where the tasks of a client complete.</summary>
    public enum DispatchMode
    {
        /// <summary>
        /// As soon as a request finishes, on the native worker that ran it (on the thread pool beyond
        /// <c>MaxWorkers - 1</c> at once, or 64, and during Dispose). The default outside Unity.
        /// </summary>
        Worker = 0,

        /// <summary>
        /// Only inside <see cref="HathoraRoomsClient.Poll"/>, on the thread that calls it. The default in
        /// Unity, where the package polls once per frame on the main thread.
        /// </summary>
        Poll = 1,
    }

    /// <summary>
    /// Settings of a <see cref="HathoraRoomsClient"/>: those of the HathoraCloud SDK (app id, dev token,
    /// server URL) plus timeouts, retries and threading. Each maps to one native setter; one left null
    /// keeps the native library's default (documented once, at hathora_config_new in hathora_rooms.h).
    /// </summary>
    public sealed class HathoraRoomsClientOptions
    {
        public HathoraRoomsClientOptions()
        {
#if UNITY_5_3_OR_NEWER
            DispatchMode = DispatchMode.Poll;
#else
            DispatchMode = DispatchMode.Worker;
#endif
        }

        /// <summary>
        /// Default app id of every RoomsV2 call; each call may override it. Null: the server
        /// context's, or none (DiscoveryV2 and region pings need none).
        /// </summary>
        public string AppId { get; set; }

        /// <summary>
        /// A game server's context (<see cref="HathoraServerContext.FromEnvironment"/>): the client
        /// takes its app id, base URL, process (for GetRoomsOfThisProcessAsync) and process token,
        /// which is sent instead of <see cref="DevToken"/> when the host gave one. AppId and
        /// ServerUrl, when set too, win over it.
        /// </summary>
        public HathoraServerContext ServerContext { get; set; }

        /// <summary>
        /// Sent as a bearer token to every operation except GetConnectionInfo. Leave it null in game
        /// clients: they can still call GetConnectionInfoAsync and WaitUntilActiveAsync.
        /// </summary>
        public string DevToken { get; set; }

        /// <summary>API base URL, e.g. a local emulator's http://127.0.0.1:PORT; null: the server context's, else https://api.hathora.dev.</summary>
        public string ServerUrl { get; set; }

        /// <summary>Overall deadline of one call, retries included.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Deadline of one TCP/TLS connect.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>Retries of 429, 500, 502, 503, 504 and connection failures (0 to 20; 0 turns them off).</summary>
        public int? MaxRetries { get; set; }

        /// <summary>Delay before the first retry; each later one is 1.5 times longer.</summary>
        public TimeSpan? InitialBackoff { get; set; }

        /// <summary>Longest computed delay between two attempts.</summary>
        public TimeSpan? MaxBackoff { get; set; }

        /// <summary>Native worker threads kept while idle (0 to 1024, at most <see cref="MaxWorkers"/>).</summary>
        public int? MinWorkers { get; set; }

        /// <summary>
        /// Most native worker threads (1 to 1024): one runs each HTTP attempt in flight, so up to this
        /// many calls wait on the network side by side; more queue, their deadlines still counting.
        /// </summary>
        public int? MaxWorkers { get; set; }

        /// <summary>How long a worker above <see cref="MinWorkers"/> stays without work before it exits.</summary>
        public TimeSpan? WorkerIdle { get; set; }

        /// <summary>Where tasks complete; see <see cref="Rooms.DispatchMode"/>.</summary>
        public DispatchMode DispatchMode { get; set; }

        /// <summary>Requests in flight at most; past it calls fail with <see cref="HathoraQueueFullException"/>.</summary>
        public int? QueueCapacity { get; set; }

        /// <summary>Allows http:// to hosts that are not loopback (the token would travel in clear).</summary>
        public bool? AllowInsecureHttp { get; set; }

        /// <summary>
        /// CA certificates to trust, as PEM text (one or more CERTIFICATE blocks), besides the bundled
        /// web roots (or instead of them: <see cref="UseBuiltInRoots"/>). For a rooms server with a
        /// private or self-signed certificate. Bad PEM makes the client's constructor throw
        /// <see cref="HathoraInvalidArgumentException"/> naming the problem.
        /// </summary>
        public string TrustedCaPem { get; set; }

        /// <summary>
        /// PEM files of CA certificates to trust, as <see cref="TrustedCaPem"/>; read when a client is
        /// created, which throws <see cref="HathoraInvalidArgumentException"/> naming a file that cannot
        /// be read or holds anything but certificates.
        /// </summary>
        public IList<string> TrustedCaFiles { get; set; }

        /// <summary>
        /// Whether the bundled web roots (Mozilla's) are trusted; null keeps them. False trusts only
        /// <see cref="TrustedCaPem"/> and <see cref="TrustedCaFiles"/>. Certificate verification itself
        /// cannot be turned off.
        /// </summary>
        public bool? UseBuiltInRoots { get; set; }

        /// <summary>A copy with the same settings (HathoraCloudSDK derives one per dev token from it).</summary>
        public HathoraRoomsClientOptions Clone()
        {
            var copy = (HathoraRoomsClientOptions)MemberwiseClone();
            copy.TrustedCaFiles = TrustedCaFiles == null ? null : new List<string>(TrustedCaFiles);
            return copy;
        }
    }
}
