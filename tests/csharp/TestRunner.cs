using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace Hathora.Rooms.Tests
{
    // A minimal runner: tests run one after another on the main thread (poll-mode tests pump from
    // it, as Unity's frame loop would). A test that hangs fails the run instead of blocking CI.
    internal sealed class TestRunner
    {
        static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(90);
        readonly List<KeyValuePair<string, Action>> tests = new List<KeyValuePair<string, Action>>();
        int passed, failed;

        public void Add(string name, Action body)
        {
            tests.Add(new KeyValuePair<string, Action>(name, body));
        }

        // Runs the tests whose name contains `filter`, or any of its |-separated parts (null: all).
        public int Run(string filter)
        {
            string[] parts = filter == null ? null : filter.Split('|');
            foreach (var test in tests)
            {
                if (parts != null && !parts.Any(part => test.Key.IndexOf(part, StringComparison.Ordinal) >= 0))
                {
                    continue;
                }
                RunOne(test.Key, test.Value);
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }

        void RunOne(string name, Action body)
        {
            var clock = Stopwatch.StartNew();
            using (new Timer(_ => Hung(name), null, TestLimit, Timeout.InfiniteTimeSpan))
            {
                try
                {
                    body();
                    passed++;
                    Console.WriteLine("PASS " + name + " (" + clock.ElapsedMilliseconds + " ms)");
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + name + ": " + e);
                }
            }
        }

        void Hung(string name)
        {
            Console.WriteLine("FAIL " + name + ": still running after " + TestLimit.TotalSeconds + " s");
            Console.WriteLine(passed + " passed, " + (failed + 1) + " failed");
            Environment.Exit(1);
        }
    }
}
