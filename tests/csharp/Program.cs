using System;

namespace Hathora.Rooms.Tests
{
    // Usage: mono HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]
    // NAME_FILTER: tests whose name contains it, or any of its |-separated parts.
    // With HATHORA_TEST_HTTPS_URL (the emulator's HTTPS front) and HATHORA_TEST_CA_FILE (the CA
    // that signed its certificate) set, clients go over HTTPS and trust that CA: the fixture's
    // through their options, the official SDK's seed snippets through HathoraCloudSDK.DefaultOptions.
    internal static class Program
    {
        static int Main(string[] args)
        {
            if (args.Length < 1)
            {
                Console.Error.WriteLine("usage: HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]");
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
