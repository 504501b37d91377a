using System;

namespace Hathora.Rooms.Tests
{
    // Usage: mono HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]
    //        mono HathoraRooms.Tests.exe --real-processes SERVER_URL SERVER_PID [NAME_FILTER]
    //        mono HathoraRooms.Tests.exe --containers SERVER_URL SERVER_PID [NAME_FILTER]
    // NAME_FILTER: tests whose name contains it, or any of its |-separated parts.
    // With an https:// EMULATOR_URL, HATHORA_TEST_CA_FILE names the CA that signed the server's
    // certificate, which clients trust: the fixture's through their options, the official SDK's
    // seed snippets through HathoraCloudSDK.DefaultOptions.
    // The second form runs the tests that need hathora-rooms-server running the example game
    // server (SERVER_PID: that server, whose child processes the tests inspect); the third, the
    // same tests with the example game server in containers (tests/csharp/docker.sh), listening
    // on container port 7777.
    // With HATHORA_TEST_BEACON_REGIONS (e.g. London,Tokyo), the server runs a beacon for each of
    // those regions, and every form adds the tests of DiscoveryV2 and region pings against them.
    internal static class Program
    {
        const string Usage = "usage: HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]\n" +
            "       HathoraRooms.Tests.exe --real-processes SERVER_URL SERVER_PID [NAME_FILTER]\n" +
            "       HathoraRooms.Tests.exe --containers SERVER_URL SERVER_PID [NAME_FILTER]";

        static int Main(string[] args)
        {
            if (args.Length >= 1 && (args[0] == "--real-processes" || args[0] == "--containers"))
            {
                int serverPid;
                if (args.Length < 3 || !int.TryParse(args[2], out serverPid))
                {
                    Console.Error.WriteLine(Usage);
                    return 2;
                }
                var server = new Fixture(new Emulator(args[1]));
                var real = new RealProcesses(serverPid, args[0] == "--containers" ? 7777 : 0);
                var realRunner = new TestRunner();
                RealProcessTests.Register(realRunner, server, real);
                SeedSnippets.SeedSnippetsOnRealProcesses.Register(realRunner, server, real);
                RegisterBeaconTests(realRunner, server);
                return realRunner.Run(args.Length > 3 ? args[3] : null);
            }
            if (args.Length < 1)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            bool https = args[0].StartsWith("https://", StringComparison.Ordinal);
            string caFile = https ? Environment.GetEnvironmentVariable("HATHORA_TEST_CA_FILE") : null;
            var fixture = new Fixture(new Emulator(args[0], caFile), caFile);
            var runner = new TestRunner();
            if (https)
            {
                HathoraCloud.HathoraCloudSDK.DefaultOptions = fixture.Trusting(new HathoraRoomsClientOptions());
                TlsTests.Register(runner, fixture);
            }
            RegisterBeaconTests(runner, fixture);
            OperationTests.Register(runner, fixture);
            ErrorTests.Register(runner, fixture);
            CancellationTests.Register(runner, fixture);
            DispatchTests.Register(runner, fixture);
            UnityHookTests.Register(runner, fixture);
            LogTests.Register(runner, fixture);
            HandleTests.Register(runner, fixture);
            CompletionTests.Register(runner, fixture);
            SeedSnippets.SeedSnippetTests.Register(runner, fixture);
            SeedSnippets.ModelSurfaceTests.Register(runner, fixture);
            GameServerSideTests.Register(runner, fixture);
            return runner.Run(args.Length > 1 ? args[1] : null);
        }

        static void RegisterBeaconTests(TestRunner runner, Fixture fixture)
        {
            string regions = Environment.GetEnvironmentVariable("HATHORA_TEST_BEACON_REGIONS");
            if (!string.IsNullOrEmpty(regions))
            {
                BeaconTests.Register(runner, fixture, regions.Split(','));
            }
        }
    }
}
