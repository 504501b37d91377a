using System;

namespace Hathora.Rooms.Tests
{
    // Usage: mono HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]
    internal static class Program
    {
        static int Main(string[] args)
        {
            if (args.Length < 1)
            {
                Console.Error.WriteLine("usage: HathoraRooms.Tests.exe EMULATOR_URL [NAME_FILTER]");
                return 2;
            }
            var fixture = new Fixture(new Emulator(args[0]));
            var runner = new TestRunner();
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
