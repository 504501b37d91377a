// The latency scenario of bench/run.sh for this library's C# façade (HathoraRoomsClient, Task
// API) with the default options: N GetConnectionInfoAsync calls started at once, time until the
// last task completed, ROUNDS times on one client (round 1 starts the workers and connections).
// Usage: mono LatencyBench.exe URL ROOM N ROUNDS        Prints one key=value line.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms;

internal static class LatencyBench
{
    static int Threads()
    {
        return Directory.GetDirectories("/proc/self/task").Length;
    }

    static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: LatencyBench.exe URL ROOM N ROUNDS");
            return 2;
        }
        string room = args[1];
        int n = int.Parse(args[2]);
        int rounds = Math.Max(1, int.Parse(args[3]));
        var options = new HathoraRoomsClientOptions { AppId = "app-emulator", ServerUrl = args[0] };
        using (var client = new HathoraRoomsClient(options))
        {
            int peak = Threads(), stop = 0, failed = 0;
            var sampler = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    int t = Threads();
                    if (t > peak) peak = t;
                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            sampler.Start();
            var times = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                var tasks = Enumerable.Range(0, n).Select(_ => client.GetConnectionInfoAsync(room)).ToArray();
                try
                {
                    Task.WaitAll(tasks);
                }
                catch (AggregateException)
                {
                }
                times[r] = sw.Elapsed.TotalSeconds;
                failed += tasks.Count(t => t.Status != TaskStatus.RanToCompletion || t.Result.Value.RoomId != room);
            }
            Volatile.Write(ref stop, 1);
            sampler.Join();
            var warm = times.Skip(1).OrderBy(t => t).ToArray();
            double median = warm.Length > 0 ? warm[(warm.Length - 1) / 2] : times[0];
            Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "n={0} rounds={1} first_s={2:F4} warm_s={3:F4} runs_s={4} peak_threads={5} failed={6}",
                n, rounds, times[0], median, string.Join("/", times.Select(t => t.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))),
                peak, failed));
            return failed == 0 ? 0 : 1;
        }
    }
}
