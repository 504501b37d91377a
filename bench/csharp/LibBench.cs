// GetConnectionInfo through this library's C# façade (HathoraRoomsClient, Task API), for
// bench/run.sh. Worker dispatch is the default outside Unity: tasks complete on the thread pool.
// Poll dispatch (optional, a diagnostic): a dedicated thread calls client.Poll() in a loop,
// yielding when nothing was ready, so continuations run on that thread.
// Usage: mono LibBench.exe URL ROOM WORKER_THREADS INFLIGHT N MAX_SECONDS [worker|poll]
// WORKER_THREADS "default" leaves MaxWorkers unset (the native default).
using System;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms;

internal static class LibBench
{
    static int Main(string[] args)
    {
        if (args.Length != 6 && args.Length != 7)
        {
            Console.Error.WriteLine("usage: LibBench.exe URL ROOM WORKER_THREADS INFLIGHT N MAX_SECONDS [worker|poll]");
            return 2;
        }
        string room = args[1];
        int? workers = args[2] == "default" ? (int?)null : int.Parse(args[2]);
        bool poll = args.Length == 7 && args[6] == "poll";
        var options = new HathoraRoomsClientOptions
        {
            AppId = "app-emulator",
            ServerUrl = args[0],
            MaxWorkers = workers,
            DispatchMode = poll ? DispatchMode.Poll : DispatchMode.Worker,
        };
        using (var client = new HathoraRoomsClient(options))
        {
            int stop = 0;
            Thread pump = null;
            if (poll)
            {
                pump = new Thread(() =>
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        if (client.Poll() == 0)
                        {
                            Thread.Yield();
                        }
                    }
                }) { IsBackground = true, Name = "bench-poll" };
                pump.Start();
            }
            Func<Task<bool>> call = async () =>
            {
                var r = await client.GetConnectionInfoAsync(room).ConfigureAwait(false);
                return r.Value.RoomId == room && r.Value.ExposedPort != null;
            };
            int rc = BenchCore.RunAndPrint("cs-lib-" + (poll ? "poll" : "worker") + " workers=" + args[2], call, args, 3);
            Volatile.Write(ref stop, 1);
            if (pump != null)
            {
                pump.Join();
            }
            return rc;
        }
    }
}
