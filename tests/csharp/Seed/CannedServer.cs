using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace SeedSnippets
{
    // A loopback HTTP server that answers every request 200 with one fixed JSON body: a server that
    // sends enum values this package does not know (the emulator only sends known ones), or a
    // DiscoveryV2 list of the test's choosing. It keeps each request's head.
    internal sealed class CannedServer : IDisposable
    {
        readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        readonly byte[] response;
        readonly Thread thread;
        readonly System.Collections.Generic.List<string> heads = new System.Collections.Generic.List<string>();

        public CannedServer(string json)
        {
            byte[] body = Encoding.UTF8.GetBytes(json);
            string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.Length + "\r\n\r\n";
            response = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
            Encoding.ASCII.GetBytes(head, 0, head.Length, response, 0);
            Buffer.BlockCopy(body, 0, response, response.Length - body.Length, body.Length);
            listener.Start();
            Url = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
            thread = new Thread(Serve) { IsBackground = true, Name = "CannedServer" };
            thread.Start();
        }

        public string Url { get; private set; }

        // The request line and headers of every request so far.
        public string[] Heads
        {
            get
            {
                lock (heads)
                {
                    return heads.ToArray();
                }
            }
        }

        public void Dispose()
        {
            listener.Stop();
            thread.Join(TimeSpan.FromSeconds(10));
        }

        void Serve()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = listener.AcceptTcpClient();
                }
                catch (Exception)
                {
                    return; // stopped
                }
                try
                {
                    using (client)
                    using (NetworkStream stream = client.GetStream())
                    {
                        string head = ReadHead(stream);
                        lock (heads)
                        {
                            heads.Add(head);
                        }
                        stream.Write(response, 0, response.Length);
                    }
                }
                catch (IOException)
                {
                    // the client went away; serve the next one
                }
            }
        }

        // Up to the blank line that ends the headers (GET requests carry no body).
        static string ReadHead(Stream stream)
        {
            var text = new StringBuilder();
            int matched = 0;
            byte[] end = { 13, 10, 13, 10 };
            while (matched < end.Length)
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    break;
                }
                text.Append((char)b);
                matched = b == end[matched] ? matched + 1 : (b == 13 ? 1 : 0);
            }
            return text.ToString();
        }
    }
}
