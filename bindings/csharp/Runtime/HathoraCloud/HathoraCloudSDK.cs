using System;
using System.Collections.Generic;
using Hathora.Rooms;
using HathoraCloud.Internal;
using HathoraCloud.Models.Shared;

namespace HathoraCloud
{
    /// <summary>
    /// The official HathoraCloud C# SDK's entry point, over this package's native library: code
    /// written against the official SDK's RoomsV2 compiles and runs unchanged. Each instance owns
    /// one native client (<see cref="HathoraRoomsClient"/>); Dispose frees it (calls in flight end
    /// as cancelled), and an instance nobody disposes is freed by the garbage collector once idle.
    /// Tasks complete on the main thread in Unity (the package polls once per frame), on the thread
    /// pool elsewhere. Retries (429, 500, 502, 503, 504, connection failures) and a 15 s deadline per
    /// call are on by default; pass <c>options</c> to change them.
    /// <para>
    /// A game server builds its SDK from its context:
    /// <c>new HathoraCloudSDK(options: new HathoraRoomsClientOptions { ServerContext = HathoraServerContext.FromEnvironment() })</c>.
    /// It then takes the context's app id and base URL (unless given here), sends the process token
    /// the host gave (else <c>security</c>'s dev token), and
    /// <c>RoomsV2.GetActiveRoomsForProcessAsync</c> with no ProcessId lists this process's rooms.
    /// </para>
    /// </summary>
    public class HathoraCloudSDK : IDisposable
    {
        /// <summary>The servers <c>serverIndex</c> chooses from.</summary>
        public static readonly string[] ServerList = { "https://api.hathora.dev" };

        readonly ClientSource clients;

        /// <param name="security">The dev token; leave it null in game clients (GetConnectionInfo needs none).</param>
        /// <param name="securitySource">Asked for the credentials on every call; wins over <paramref name="security"/>.</param>
        /// <param name="appId">The default app id of every RoomsV2 call; a request's AppId overrides it. Null: options' server context's, or none (DiscoveryV2 needs none).</param>
        /// <param name="orgId">Kept in <see cref="OrgId"/>; no RoomsV2 operation uses it.</param>
        /// <param name="serverIndex">Index into <see cref="ServerList"/>.</param>
        /// <param name="serverUrl">API base URL, e.g. a local emulator's; wins over <paramref name="serverIndex"/> and options' server context.</param>
        /// <param name="urlParams">Values substituted for <c>{name}</c> in the server URL.</param>
        /// <param name="options">
        /// Not in the official SDK (it takes an <c>ISpeakeasyHttpClient client</c> here): timeouts,
        /// retries, threading, trusted CAs. Its AppId, DevToken and ServerUrl are used where the
        /// parameters above are null. Null: <see cref="DefaultOptions"/>.
        /// </param>
        /// <exception cref="HathoraInvalidArgumentException">A setting cannot work; the message says which.</exception>
        public HathoraCloudSDK(Security security = null, Func<Security> securitySource = null, string appId = null,
            string orgId = null, int? serverIndex = null, string serverUrl = null,
            Dictionary<string, string> urlParams = null, HathoraRoomsClientOptions options = null)
        {
            options = options ?? DefaultOptions;
            HathoraRoomsClientOptions template = options == null ? new HathoraRoomsClientOptions() : options.Clone();
            if (appId != null)
            {
                template.AppId = appId;
            }
            if (security != null)
            {
                template.DevToken = security.HathoraDevToken;
            }
            template.ServerUrl = ServerUrlOf(serverIndex, serverUrl, urlParams, options);
            AppId = template.AppId ?? (template.ServerContext == null ? null : template.ServerContext.AppId);
            OrgId = orgId;
            ServerUrl = template.ServerUrl;
            clients = new ClientSource(template, security ?? new Security { HathoraDevToken = template.DevToken }, securitySource);
            RoomsV2 = new RoomsV2(clients);
            DiscoveryV2 = new DiscoveryV2(clients);
        }

        /// <summary>
        /// Not in the official SDK: the options of every instance constructed without <c>options</c>
        /// (read at construction; null: the defaults). Code written for the official SDK constructs
        /// it unchanged; set this once at startup to give that code what the official SDK took from
        /// the platform, e.g. the CA of a rooms server with a private certificate
        /// (<see cref="HathoraRoomsClientOptions.TrustedCaPem"/>).
        /// </summary>
        public static HathoraRoomsClientOptions DefaultOptions { get; set; }

        /// <summary>The RoomsV2 operations.</summary>
        public IRoomsV2 RoomsV2 { get; private set; }

        /// <summary>DiscoveryV2: the regions' ping endpoints.</summary>
        public IDiscoveryV2 DiscoveryV2 { get; private set; }

        /// <summary>The default app id of every call.</summary>
        public string AppId { get; private set; }

        public string OrgId { get; private set; }

        /// <summary>The API base URL the calls go to.</summary>
        public string ServerUrl { get; private set; }

        /// <summary>Frees the native client; calls in flight end as cancelled. Idempotent. Not in the official SDK.</summary>
        public void Dispose()
        {
            clients.Dispose();
        }

        static string ServerUrlOf(int? serverIndex, string serverUrl, Dictionary<string, string> urlParams, HathoraRoomsClientOptions options)
        {
            string url = serverUrl;
            if (url == null)
            {
                if (serverIndex.HasValue)
                {
                    if (serverIndex.Value < 0 || serverIndex.Value >= ServerList.Length)
                    {
                        throw new HathoraInvalidArgumentException("serverIndex must be 0 to " + (ServerList.Length - 1) + ", got " + serverIndex.Value);
                    }
                    url = ServerList[serverIndex.Value];
                }
                else if (options != null && options.ServerUrl != null)
                {
                    url = options.ServerUrl;
                }
                else
                {
                    HathoraServerContext context = options == null ? null : options.ServerContext;
                    url = context != null && context.BaseUrl != null ? context.BaseUrl : ServerList[0];
                }
            }
            if (urlParams != null)
            {
                foreach (KeyValuePair<string, string> param in urlParams)
                {
                    url = url.Replace("{" + param.Key + "}", param.Value);
                }
            }
            return url;
        }
    }
}
