using System;

namespace Hathora.Rooms.Tests
{
    // Usage: mono HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]
    //        mono HathoraRooms.Tests.exe --real-processes SERVER_URL SERVER_PID [NAME_FILTER]
    //        mono HathoraRooms.Tests.exe --containers SERVER_URL SERVER_PID [NAME_FILTER]
    // NAME_FILTER: tests whose name contains it, or any of its |-separated parts.
    // With HATHORA_TEST_HTTPS_URL (the emulator's HTTPS front) and HATHORA_TEST_CA_FILE (the CA
    // that signed its certificate) set, clients go over HTTPS and trust that CA: the fixture's
    // through their options, the official SDK's seed snippets through HathoraCloudSDK.DefaultOptions.
    // The second form runs the tests that need hathora-rooms-server running the example game
    // server (SERVER_PID: that server, whose child processes the tests inspect); the third, the
    // same tests with the example game server in containers (tests/csharp/docker.sh), listening
    // on container port 7777.
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
                return realRunner.Run(args.Length > 3 ? args[3] : null);
            }
            if (args.Length < 1)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            string httpsUrl = Environment.GetEnvironmentVariable("HATHORA_TEST_HTTPS_URL");
            string caFile = Environment.GetEnvironmentVariable("HATHORA_TEST_CA_FILE");
            var fixture = new Fixture(new Emulator(args[0]), httpsUrl, caFile);
            var runner = new TestRunner();
            if (httpsUrl != null)
            {
                HathoraCloud.HathoraCloudSDK.DefaultOptions = fixture.Trusting(new HathoraRoomsClientOptions());
                TlsTests.Register(runner, fixture);
            }
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
    }
}
