using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hathora.Rooms.Tests
{
    // What the real-process tests see besides the API: the game servers under the rooms server
    // (/proc), their environment, and their answers over TCP and UDP (examples/game_server's
    // protocol: a room id in, one JSON line out). With a container port, the game servers run in
    // containers (the Docker fleet) and listen on that port inside them: they are the engine's,
    // not the server's children, and each is found as its container's main process (the docker
    // command finds the container by the label the rooms server gives it).
    internal sealed class RealProcesses
    {
        readonly int containerPort;

        public RealProcesses(int serverPid, int containerPort = 0)
        {
            ServerPid = serverPid;
            this.containerPort = containerPort;
        }

        // The port a game server exposed at `exposedPort` listens on (HATHORA_DEFAULT_PORT): that
        // one on this machine; its container port in a container, as on Hathora.
        public int ListensOn(int exposedPort)
        {
            return containerPort != 0 ? containerPort : exposedPort;
        }

        // The hathora-rooms-server run.sh started.
        public int ServerPid { get; private set; }

        // (pid, state) of every process whose parent is the rooms server, zombies included.
        public List<KeyValuePair<int, char>> Children()
        {
            var children = new List<KeyValuePair<int, char>>();
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                int pid;
                if (!int.TryParse(Path.GetFileName(dir), out pid))
                {
                    continue;
                }
                string[] stat = Stat(pid);
                if (stat != null && int.Parse(stat[1]) == ServerPid)
                {
                    children.Add(new KeyValuePair<int, char>(pid, stat[0][0]));
                }
            }
            return children;
        }

        // The pid of the game server running this RoomsV2 process.
        public int GameServerPid(string processId)
        {
            int found = 0;
            string where = containerPort != 0 ? " in a running container" : " under the rooms server";
            Assert.Eventually("a game server of process " + processId + where, () =>
            {
                found = containerPort != 0 ? ContainerPid(processId) : Children().Select(c => c.Key).FirstOrDefault(pid => Environ(pid, "HATHORA_PROCESS_ID") == processId);
                return found != 0;
            });
            return found;
        }

        // The main process of the running container of this RoomsV2 process; 0 when there is none.
        static int ContainerPid(string processId)
        {
            string id = Docker("ps --quiet --filter status=running --filter label=dev.hathora-rooms.process-id=" + processId);
            int pid;
            return id.Length > 0 && int.TryParse(Docker("inspect --format {{.State.Pid}} " + id), out pid) ? pid : 0;
        }

        static string Docker(string arguments)
        {
            var start = new ProcessStartInfo("docker", arguments) { UseShellExecute = false, RedirectStandardOutput = true };
            using (Process docker = Process.Start(start))
            {
                string output = docker.StandardOutput.ReadToEnd().Trim();
                docker.WaitForExit();
                if (docker.ExitCode != 0)
                {
                    throw new AssertionException("docker " + arguments + ": exit status " + docker.ExitCode);
                }
                return output;
            }
        }

        // Waits until the process is gone: not running and reaped (no zombie left behind).
        public static void WaitGone(int pid, string what)
        {
            Assert.Eventually(what + " (pid " + pid + ") reaped", () => Stat(pid) == null);
        }

        public void AssertNoZombie()
        {
            var zombies = Children().Where(c => c.Value == 'Z').Select(c => c.Key).ToList();
            Assert.True(zombies.Count == 0, "zombies under the rooms server: " + string.Join(", ", zombies));
        }

        // State and parent of /proc/PID/stat (the name before them may hold spaces and ')'),
        // null once the process is gone.
        static string[] Stat(int pid)
        {
            byte[] bytes = ReadProc(pid, "stat");
            if (bytes == null)
            {
                return null;
            }
            string text = Encoding.UTF8.GetString(bytes);
            return text.Substring(text.LastIndexOf(')') + 2).Split(' ');
        }

        // /proc/PID/FILE, null once the process is gone (or not ours to read).
        static byte[] ReadProc(int pid, string file)
        {
            try
            {
                return File.ReadAllBytes("/proc/" + pid + "/" + file);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        // A variable of the environment the process was started with; null when absent.
        public static string Environ(int pid, string name)
        {
            byte[] bytes = ReadProc(pid, "environ");
            if (bytes == null)
            {
                return null;
            }
            string prefix = name + "=";
            return Encoding.UTF8.GetString(bytes).Split('\0')
                .Where(kv => kv.StartsWith(prefix, StringComparison.Ordinal))
                .Select(kv => kv.Substring(prefix.Length))
                .FirstOrDefault();
        }

        // The room id as one line over TCP; the game server's answer line (without its newline).
        public static string AskTcp(string host, int port, string request)
        {
            using (var tcp = new TcpClient(host, port))
            using (NetworkStream stream = tcp.GetStream())
            {
                stream.ReadTimeout = (int)Assert.Patience.TotalMilliseconds;
                byte[] line = Encoding.UTF8.GetBytes(request + "\n");
                stream.Write(line, 0, line.Length);
                var answer = new MemoryStream();
                int b;
                while ((b = stream.ReadByte()) != -1 && b != '\n')
                {
                    answer.WriteByte((byte)b);
                }
                return Encoding.UTF8.GetString(answer.ToArray());
            }
        }

        // The room id as one datagram; the answer datagram (asked up to 3 times: UDP may drop).
        public static string AskUdp(string host, int port, string request)
        {
            using (var udp = new UdpClient(host, port))
            {
                udp.Client.ReceiveTimeout = 5000;
                byte[] datagram = Encoding.UTF8.GetBytes(request);
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    udp.Send(datagram, datagram.Length);
                    try
                    {
                        var from = new IPEndPoint(IPAddress.Any, 0);
                        return Encoding.UTF8.GetString(udp.Receive(ref from)).TrimEnd('\n');
                    }
                    catch (SocketException)
                    {
                    }
                }
                throw new AssertionException("no UDP answer from " + host + ":" + port);
            }
        }

        // The answer line the game server's README documents for a room: its id, its config as a
        // JSON string (quotes, backslashes and control characters escaped, other UTF-8 as is;
        // null without one) and the process id.
        public static string Answer(string roomId, string roomConfig, string processId)
        {
            return "{\"roomId\":" + Json(roomId) + ",\"roomConfig\":" + Json(roomConfig) + ",\"processId\":" + Json(processId) + "}";
        }

        static string Json(string s)
        {
            if (s == null)
            {
                return "null";
            }
            var b = new StringBuilder("\"");
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            b.Append("\\u").Append(((int)c).ToString("x4"));
                        }
                        else
                        {
                            b.Append(c);
                        }
                        break;
                }
            }
            return b.Append('"').ToString();
        }

        // Both transports answer this room with its id, config and process.
        public static void AssertAnswers(string host, int port, string roomId, string roomConfig, string processId)
        {
            string want = Answer(roomId, roomConfig, processId);
            Assert.Equal(want, AskTcp(host, port, roomId), "TCP answer of " + host + ":" + port);
            Assert.Equal(want, AskUdp(host, port, roomId), "UDP answer of " + host + ":" + port);
        }
    }
}
