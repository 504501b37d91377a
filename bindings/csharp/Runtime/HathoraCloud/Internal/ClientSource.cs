using System;
using System.Collections.Generic;
using Hathora.Rooms;
using HathoraCloud.Models.Shared;

namespace HathoraCloud.Internal
{
    // The native client(s) behind one HathoraCloudSDK. The native library fixes the dev token when
    // a client is created, so with a securitySource each call asks it for the token and, when that
    // changed, starts a new client; the previous one finishes its calls in flight and is freed once
    // idle (or when the SDK is disposed). Without a securitySource there is exactly one client.
    internal sealed class ClientSource : IDisposable
    {
        readonly object gate = new object();
        readonly HathoraRoomsClientOptions template;
        readonly Security security;
        readonly Func<Security> securitySource;
        readonly List<HathoraRoomsClient> retired = new List<HathoraRoomsClient>();
        HathoraRoomsClient current;
        string currentToken;
        bool disposed;

        public ClientSource(HathoraRoomsClientOptions template, Security security, Func<Security> securitySource)
        {
            this.template = template;
            this.security = security;
            this.securitySource = securitySource;
            if (securitySource == null)
            {
                // Made now, so a setting that cannot work fails in the constructor.
                currentToken = security == null ? null : security.HathoraDevToken;
                current = new HathoraRoomsClient(WithToken(currentToken));
            }
        }

        // The game server's context the clients are built from; null for other clients.
        public HathoraServerContext ServerContext
        {
            get { return template.ServerContext; }
        }

        // The client for the next call. Throws ObjectDisposedException after Dispose.
        public HathoraRoomsClient Next()
        {
            string token = securitySource == null ? currentToken : TokenOf(securitySource());
            lock (gate)
            {
                if (disposed)
                {
                    throw new ObjectDisposedException("HathoraCloudSDK");
                }
                if (current != null && token == currentToken)
                {
                    return current;
                }
                var next = new HathoraRoomsClient(WithToken(token));
                if (current != null)
                {
                    retired.Add(current);
                }
                current = next;
                currentToken = token;
                FreeIdleRetired();
                return current;
            }
        }

        public void Dispose()
        {
            List<HathoraRoomsClient> all;
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }
                disposed = true;
                all = new List<HathoraRoomsClient>(retired);
                if (current != null)
                {
                    all.Add(current);
                }
                retired.Clear();
                current = null;
            }
            // Outside the lock: disposing completes the tasks in flight, whose continuations may call back in.
            foreach (HathoraRoomsClient client in all)
            {
                client.Dispose();
            }
        }

        void FreeIdleRetired()
        {
            for (int i = retired.Count - 1; i >= 0; i--)
            {
                if (retired[i].PendingCount == 0)
                {
                    retired[i].Dispose();
                    retired.RemoveAt(i);
                }
            }
        }

        string TokenOf(Security s)
        {
            return s == null ? (security == null ? null : security.HathoraDevToken) : s.HathoraDevToken;
        }

        HathoraRoomsClientOptions WithToken(string token)
        {
            HathoraRoomsClientOptions options = template.Clone();
            options.DevToken = token;
            return options;
        }
    }
}
