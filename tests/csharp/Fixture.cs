using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Hathora.Rooms.Tests
{
    // Clients for the emulator, unique room ids, faults that always get cleared, and the frame
    // loop that poll-mode tests pump. Over HTTPS (the emulator serving HTTPS itself, and the CA
    // that signed its certificate), clients trust that CA.
    internal sealed class Fixture
    {
        static int nextRoom;
        readonly string runId = Guid.NewGuid().ToString("N").Substring(0, 6);

        public Fixture(Emulator emulator, string caFile = null)
        {
            Emulator = emulator;
            CaFile = caFile;
        }

        public Emulator Emulator { get; private set; }

        // Where clients send the API's calls: the emulator's URL, http:// or https://.
        public string ApiUrl
        {
            get { return Emulator.Url; }
        }

        // The CA the emulator's certificate is signed by; null over plain HTTP.
        public string CaFile { get; private set; }

        // `options`, trusting the emulator's CA when there is one.
        public HathoraRoomsClientOptions Trusting(HathoraRoomsClientOptions options)
        {
            if (CaFile != null)
            {
                options.TrustedCaFiles = new List<string> { CaFile };
            }
            return options;
        }

        public HathoraRoomsClientOptions Options(DispatchMode mode)
        {
            return Trusting(new HathoraRoomsClientOptions
            {
                AppId = Emulator.AppId,
                DevToken = Emulator.Token,
                ServerUrl = ApiUrl,
                DispatchMode = mode,
                MaxRetries = 2,
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
            });
        }

        public HathoraRoomsClient Client(DispatchMode mode = DispatchMode.Worker, Action<HathoraRoomsClientOptions> tweak = null)
        {
            HathoraRoomsClientOptions options = Options(mode);
            if (tweak != null)
            {
                tweak(options);
            }
            return new HathoraRoomsClient(options);
        }

        public string RoomId(string prefix)
        {
            return prefix + "-" + runId + "-" + Interlocked.Increment(ref nextRoom);
        }

        public RoomConnectionData CreateRoom(HathoraRoomsClient client, string roomId, string roomConfig = null)
        {
            var created = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago, RoomConfig = roomConfig }, roomId));
            return created.Value;
        }

        public ConnectionInfoV2 CreateActiveRoom(HathoraRoomsClient client, string roomId, string roomConfig = null)
        {
            CreateRoom(client, roomId, roomConfig);
            return Assert.Result(client.WaitUntilActiveAsync(roomId, TimeSpan.FromSeconds(10))).Value;
        }

        // Faults are emulator-wide, so they are always cleared, even when the test fails.
        public void WithFaults(string json, Action body)
        {
            Emulator.SetFaults(json);
            try
            {
                body();
            }
            finally
            {
                Emulator.ClearFaults();
            }
        }

        public long RequestsServed()
        {
            return long.Parse(Regex.Match(Emulator.Stats(), "\"requests\":(\\d+)").Groups[1].Value);
        }

        // The sum of the emulator's /metrics series whose line starts with `series`.
        public long Metric(string series)
        {
            return Emulator.Metrics().Split('\n').Where(l => l.StartsWith(series, StringComparison.Ordinal))
                .Sum(l => long.Parse(l.Substring(l.LastIndexOf(' ') + 1)));
        }

        // Unity's frame loop, in miniature: poll until every task completed.
        public static void Pump(HathoraRoomsClient client, params Task[] tasks)
        {
            DateTime deadline = DateTime.UtcNow + Assert.Patience;
            while (!tasks.All(t => t.IsCompleted))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new AssertionException("poll mode: tasks did not complete within " + Assert.Patience.TotalSeconds + " s");
                }
                client.Poll();
                Thread.Sleep(1);
            }
        }

        public static T PumpResult<T>(HathoraRoomsClient client, Task<T> task)
        {
            Pump(client, task);
            return task.GetAwaiter().GetResult();
        }
    }
}
