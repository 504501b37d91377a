// Shared by LibBench.cs and HttpClientBench.cs (bench/run.sh): keeps INFLIGHT calls in flight,
// each loop awaiting one call after the other, and reports requests/s and the latency of each
// call (start of the call to the end of its await). Bounded by a request count and a time.
using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

internal sealed class BenchResult
{
    public long Ok;
    public long Errors;
    public double Seconds;
    public double P50Us;
    public double P99Us;
}

internal static class BenchCore
{
    // A call returns true when the answer was the expected connection info.
    public static BenchResult Run(Func<Task<bool>> call, int inflight, long budget, double seconds)
    {
        var latencies = new long[budget];
        long started = 0, recorded = 0, errors = 0;
        long freq = Stopwatch.Frequency;
        long t0 = Stopwatch.GetTimestamp();
        long until = t0 + (long)(seconds * freq);
        Func<Task> loop = async () =>
        {
            while (Interlocked.Increment(ref started) <= budget)
            {
                long a = Stopwatch.GetTimestamp();
                if (a >= until)
                {
                    break;
                }
                bool ok;
                try
                {
                    ok = await call().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        Console.Error.WriteLine("bench: call failed: " + e.GetType().Name + ": " + e.Message);
                    }
                    continue;
                }
                long b = Stopwatch.GetTimestamp();
                if (ok)
                {
                    long i = Interlocked.Increment(ref recorded) - 1;
                    latencies[i] = b - a;
                }
                else if (Interlocked.Increment(ref errors) <= 5)
                {
                    Console.Error.WriteLine("bench: unexpected answer");
                }
            }
        };
        var loops = new Task[inflight];
        for (int i = 0; i < inflight; i++)
        {
            loops[i] = Task.Run(loop);
        }
        // Bounded: every call has a deadline (15 s for both clients), so this ends by then.
        if (!Task.WaitAll(loops, TimeSpan.FromSeconds(seconds + 60)))
        {
            throw new TimeoutException("calls still outstanding 60 s after the end");
        }
        long t1 = Stopwatch.GetTimestamp();
        long n = Math.Min(Interlocked.Read(ref recorded), budget);
        Array.Sort(latencies, 0, (int)n);
        double usPerTick = 1e6 / freq;
        return new BenchResult
        {
            Ok = n,
            Errors = Interlocked.Read(ref errors),
            Seconds = (t1 - t0) / (double)freq,
            P50Us = Percentile(latencies, n, 0.50) * usPerTick,
            P99Us = Percentile(latencies, n, 0.99) * usPerTick,
        };
    }

    static long Percentile(long[] sorted, long n, double p)
    {
        if (n == 0)
        {
            return 0;
        }
        long i = (long)Math.Ceiling(n * p);
        i = Math.Max(1, Math.Min(n, i));
        return sorted[i - 1];
    }

    // Warm-up (0.5 s, at most 2000 calls, JIT included), then the measured run; prints one line.
    public static int RunAndPrint(string label, Func<Task<bool>> call, string[] args, int argOffset)
    {
        int inflight = int.Parse(args[argOffset]);
        long budget = long.Parse(args[argOffset + 1]);
        double seconds = double.Parse(args[argOffset + 2], System.Globalization.CultureInfo.InvariantCulture);
        if (inflight < 1 || inflight > 4096 || budget < 1 || budget > 50000000 || seconds <= 0 || seconds > 600)
        {
            Console.Error.WriteLine("bench: INFLIGHT 1..4096, N 1..50000000, 0 < MAX_SECONDS <= 600");
            return 2;
        }
        BenchResult warm = Run(call, inflight, 2000, 0.5);
        BenchResult r = Run(call, inflight, budget, seconds);
        Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0} inflight={1} requests={2} errors={3} seconds={4:F3} rps={5:F0} p50_us={6:F0} p99_us={7:F0} threads={8}",
            label, inflight, r.Ok, r.Errors + warm.Errors, r.Seconds, r.Ok / r.Seconds, r.P50Us, r.P99Us,
            Process.GetCurrentProcess().Threads.Count));
        return (r.Ok > 0 && r.Errors + warm.Errors == 0) ? 0 : 1;
    }
}
