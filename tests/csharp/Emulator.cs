using System;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Hathora.Rooms.Tests
{
    // The emulator run.sh started (hathora-rooms-server's simulated rooms, over plain HTTP or
    // HTTPS), and its admin endpoints (faults, stats). Over HTTPS the admin requests trust only
    // the CA that signed the server's certificate.
    internal sealed class Emulator
    {
        public const string AppId = "app-emulator";
        public const string Token = "emulator-dev-token";

        readonly Uri uri;
        readonly X509Certificate2 ca;
        string verified; // the hash of the server certificate found signed by the CA

        public Emulator(string url, string caFile = null)
        {
            Url = url.TrimEnd('/');
            uri = new Uri(Url);
            if (uri.Scheme == "https")
            {
                if (caFile == null)
                {
                    throw new ArgumentException("an https:// emulator needs the CA file that signed its certificate");
                }
                ca = new X509Certificate2(PemBody(File.ReadAllText(caFile)));
            }
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

        // The Prometheus text of /metrics.
        public string Metrics()
        {
            return Send("GET", "/metrics", null);
        }

        // One request per connection (Connection: close), read to the end. Mono's HttpWebRequest
        // intermittently aborted these writes, and the admin API needs nothing more.
        string Send(string method, string path, string json)
        {
            byte[] body = Encoding.UTF8.GetBytes(json ?? "");
            string head = method + " " + path + " HTTP/1.1\r\nHost: " + uri.Authority + "\r\nConnection: close\r\n" +
                "Content-Type: application/json\r\nContent-Length: " + body.Length + "\r\n\r\n";
            using (var tcp = new TcpClient(uri.Host, uri.Port))
            using (Stream stream = Secured(tcp.GetStream()))
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

        // The connection as it is over plain HTTP; over HTTPS, TLS with the server, whose
        // certificate must be for its host and chain up to the test's CA.
        Stream Secured(NetworkStream stream)
        {
            if (ca == null)
            {
                return stream;
            }
            var tls = new SslStream(stream, false, SignedByTheCa);
            tls.AuthenticateAsClient(uri.Host, null, SslProtocols.Tls12, false);
            return tls;
        }

        bool SignedByTheCa(object sender, X509Certificate certificate, X509Chain _, SslPolicyErrors errors)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false; // no certificate, or one for another host
            }
            string presented = certificate.GetCertHashString();
            if (presented == verified)
            {
                return true; // the certificate whose chain was built already
            }
            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.ExtraStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                bool signed = chain.Build(new X509Certificate2(certificate)) &&
                    chain.ChainElements.Cast<X509ChainElement>().Last().Certificate.Thumbprint == ca.Thumbprint;
                if (signed)
                {
                    verified = presented;
                }
                return signed;
            }
        }

        // The DER bytes of the first certificate of a PEM text.
        static byte[] PemBody(string pem)
        {
            const string Begin = "-----BEGIN CERTIFICATE-----", End = "-----END CERTIFICATE-----";
            int from = pem.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
            return Convert.FromBase64String(pem.Substring(from, pem.IndexOf(End, from, StringComparison.Ordinal) - from));
        }
    }
}
