using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Hathora.Rooms.Tests
{
    // Clients for the emulator, unique room ids, faults that always get cleared, and the frame
    // loop that poll-mode tests pump.
    internal sealed class Fixture
    {
        static int nextRoom;
        readonly string runId = Guid.NewGuid().ToString("N").Substring(0, 6);

        public Fixture(Emulator emulator)
        {
            Emulator = emulator;
        }

        public Emulator Emulator { get; private set; }

        public HathoraRoomsClientOptions Options(DispatchMode mode)
        {
            return new HathoraRoomsClientOptions
            {
                AppId = Emulator.AppId,
                DevToken = Emulator.Token,
                ServerUrl = Emulator.Url,
                DispatchMode = mode,
                MaxRetries = 2,
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
            };
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
