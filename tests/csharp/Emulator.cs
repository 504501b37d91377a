using System;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Hathora.Rooms.Tests
{
    // The emulator run.sh started, and its admin endpoints (faults, stats).
    internal sealed class Emulator
    {
        public const string AppId = "app-emulator";
        public const string Token = "emulator-dev-token";

        readonly Uri uri;

        public Emulator(string url)
        {
            Url = url.TrimEnd('/');
            uri = new Uri(Url);
        }

        public string Url { get; private set; }

        public void SetFaults(string json)
        {
            Send("POST", "/_emulator/faults", json);
        }

        public void ClearFaults()
        {
            Send("DELETE", "/_emulator/faults", null);
        }

        public string Stats()
        {
            return Send("GET", "/_emulator/stats", null);
        }

        // One request per connection (Connection: close), read to the end. Mono's HttpWebRequest
        // intermittently aborted these writes, and the admin API needs nothing more.
        string Send(string method, string path, string json)
        {
            byte[] body = Encoding.UTF8.GetBytes(json ?? "");
            string head = method + " " + path + " HTTP/1.1\r\nHost: " + uri.Authority + "\r\nConnection: close\r\n" +
                "Content-Type: application/json\r\nContent-Length: " + body.Length + "\r\n\r\n";
            using (var tcp = new TcpClient(uri.Host, uri.Port))
            using (NetworkStream stream = tcp.GetStream())
            {
                byte[] request = Encoding.ASCII.GetBytes(head);
                stream.Write(request, 0, request.Length);
                stream.Write(body, 0, body.Length);
                string response = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
                string status = response.Substring(0, Math.Max(0, response.IndexOf("\r\n", StringComparison.Ordinal)));
                if (!status.StartsWith("HTTP/1.1 2", StringComparison.Ordinal))
                {
                    throw new IOException("emulator admin " + method + " " + path + ": " + status);
                }
                int start = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                return start < 0 ? "" : response.Substring(start + 4);
            }
        }
    }
}
