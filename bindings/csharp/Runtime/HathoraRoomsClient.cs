using System;
using Hathora.Rooms.Interop;
using Hathora.Rooms.Native;

namespace Hathora.Rooms
{
    /// <summary>
    /// The Hathora Cloud RoomsV2 API over the native library: one Task-returning method per
    /// operation, like the HathoraCloud SDK's <c>sdk.RoomsV2</c>. Thread-safe. Dispose it: that ends
    /// every call in flight (their tasks complete as cancelled) before it returns.
    /// </summary>
    public sealed partial class HathoraRoomsClient : IDisposable
    {
        readonly RequestDispatcher dispatcher;

        /// <summary>Like <c>new HathoraCloudSDK(security, appId)</c>; other settings keep their defaults.</summary>
        public HathoraRoomsClient(string appId, string devToken = null, string serverUrl = null)
            : this(Options(appId, devToken, serverUrl))
        {
        }

        /// <exception cref="HathoraInvalidArgumentException">A setting cannot work; the message says which.</exception>
        public HathoraRoomsClient(HathoraRoomsClientOptions options)
        {
            if (options == null)
            {
                throw new HathoraInvalidArgumentException("options must not be null");
            }
            AppId = options.AppId;
            DispatchMode = options.DispatchMode;
            dispatcher = new RequestDispatcher(NativeClient.Create(options), options.DispatchMode, options.MaxWorkers);
            ClientRegistry.Add(dispatcher);
        }

        /// <summary>The native library's version, e.g. "0.1.0".</summary>
        public static unsafe string NativeVersion
        {
            get { return Utf8.Decode(NativeMethods.hathora_version()); }
        }

        /// <summary>The default app id of this client's calls.</summary>
        public string AppId { get; private set; }

        public DispatchMode DispatchMode { get; private set; }

        public bool IsDisposed
        {
            get { return dispatcher.IsDisposed; }
        }

        /// <summary>Calls accepted whose completion has not been delivered by the native library yet.</summary>
        public int PendingCount
        {
            get { return dispatcher.Pending; }
        }

        /// <summary>
        /// Poll mode: completes the tasks of finished calls on this thread, at most
        /// <paramref name="maxCompletions"/> native completions (0: all ready now), and returns how many
        /// tasks completed. In Unity the package calls it once per frame; call it yourself from your
        /// own loop elsewhere. In either mode it also hands waiting log lines to the
        /// <see cref="HathoraRoomsLog"/> handler (<see cref="HathoraRoomsLog.Drain"/>); it does
        /// nothing else in worker mode.
        /// </summary>
        public int Poll(int maxCompletions = 0)
        {
            if (maxCompletions < 0)
            {
                throw new HathoraInvalidArgumentException("maxCompletions must not be negative, got " + maxCompletions);
            }
            // Log lines first: a retry's line then comes before the continuation of its call.
            HathoraRoomsLog.Drain();
            return dispatcher.Poll(maxCompletions);
        }

        /// <summary>
        /// Frees the native client. Calls in flight are cancelled; each task completes (Canceled,
        /// with a <see cref="HathoraShutDownException"/>) before this returns. Idempotent.
        /// </summary>
        public void Dispose()
        {
            dispatcher.Dispose();
            ClientRegistry.Remove(dispatcher);
        }

        static HathoraRoomsClientOptions Options(string appId, string devToken, string serverUrl)
        {
            var options = new HathoraRoomsClientOptions { AppId = appId, DevToken = devToken };
            if (serverUrl != null)
            {
                options.ServerUrl = serverUrl;
            }
            return options;
        }
    }
}
