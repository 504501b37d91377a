using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Hathora.Rooms.Interop;

namespace Hathora.Rooms.Tests
{
    // The native log routed to HathoraRoomsLog: lines reach the handler only on the thread that
    // drains (Drain, or client.Poll), never on a native worker; Clear stops them; the queue is bounded.
    internal static class LogTests
    {
        const string OneRetry = "{\"status\":503,\"count\":1}";

        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("log_lines_reach_the_handler_only_when_drained_on_the_draining_thread", () =>
            {
                var log = new CapturedLog();
                WithHandler(log, HathoraLogLevel.Debug, () =>
                {
                    using (var client = f.Client(DispatchMode.Worker))
                    {
                        f.WithFaults(OneRetry, () =>
                        {
                            var created = Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, f.RoomId("log")));
                            Assert.Equal(2, created.Attempts, "one retry after the 503");
                        });
                    }
                    Assert.Equal(0, log.Count, "lines delivered before Drain (so on a native thread)");
                    Assert.True(HathoraRoomsLog.Drain() > 0, "Drain delivered lines");
                    log.AssertRetryLine();
                    log.AssertAll(l => l.Thread == Thread.CurrentThread.ManagedThreadId, "every line on the draining thread");
                    Assert.True(log.Lines.Any(l => l.Level == HathoraLogLevel.Debug), "a Debug summary line at level Debug");
                    log.AssertAll(l => l.Text.IndexOf(Emulator.Token, StringComparison.Ordinal) < 0, "no line contains the dev token");
                });
            });

            r.Add("log_lines_arrive_through_client_poll_in_poll_mode", () =>
            {
                var log = new CapturedLog();
                WithHandler(log, HathoraLogLevel.Info, () =>
                {
                    using (var client = f.Client(DispatchMode.Poll))
                    {
                        f.WithFaults(OneRetry, () =>
                        {
                            Fixture.PumpResult(client, client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, f.RoomId("logpoll")));
                        });
                    }
                    log.AssertRetryLine();
                    log.AssertAll(l => l.Thread == Thread.CurrentThread.ManagedThreadId, "every line on the polling thread");
                    log.AssertAll(l => l.Level <= HathoraLogLevel.Info, "nothing above the handler's level");
                    log.AssertAll(l => l.Text.IndexOf(Emulator.Token, StringComparison.Ordinal) < 0, "no line contains the dev token");
                });
            });

            r.Add("log_clear_discards_waiting_lines_and_stops_new_ones", () =>
            {
                var log = new CapturedLog();
                WithHandler(log, HathoraLogLevel.Debug, () =>
                {
                    using (var client = f.Client(DispatchMode.Worker))
                    {
                        f.WithFaults(OneRetry, () => Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, f.RoomId("logclear"))));
                        Assert.True(LogTrampoline.Count > 0, "lines waiting before Clear");
                        HathoraRoomsLog.Clear();
                        Assert.Equal(0, LogTrampoline.Count, "waiting lines discarded");
                        f.WithFaults(OneRetry, () => Assert.Result(client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago }, f.RoomId("logclear"))));
                        Assert.Equal(0, LogTrampoline.Count, "no line queued after Clear");
                        Assert.Equal(0, HathoraRoomsLog.Drain(), "nothing to drain");
                        client.Poll();
                        Assert.Equal(0, log.Count, "no line delivered after Clear");
                        HathoraRoomsLog.Clear();
                    }
                });
            });

            r.Add("log_queue_drops_the_oldest_lines_beyond_its_capacity", () =>
            {
                var log = new CapturedLog();
                WithHandler(log, HathoraLogLevel.Error, () =>
                {
                    long droppedBefore = HathoraRoomsLog.DroppedCount;
                    for (int i = 0; i < LogTrampoline.Capacity + 5; i++)
                    {
                        LogTrampoline.Enqueue(HathoraLogLevel.Error, "line " + i);
                    }
                    Assert.Equal(5L, HathoraRoomsLog.DroppedCount - droppedBefore, "dropped");
                    Assert.Equal(LogTrampoline.Capacity, HathoraRoomsLog.Drain(), "delivered");
                    Assert.Equal("line 5", log.Lines[0].Text, "the oldest kept");
                    Assert.Equal("line " + (LogTrampoline.Capacity + 4), log.Lines[log.Count - 1].Text, "the newest kept");
                });
            });

            r.Add("log_set_handler_refuses_a_null_handler_and_unknown_levels", () =>
            {
                Refused(() => HathoraRoomsLog.SetHandler(null, HathoraLogLevel.Info));
                Refused(() => HathoraRoomsLog.SetHandler((level, text) => { }, (HathoraLogLevel)0));
                Refused(() => HathoraRoomsLog.SetHandler((level, text) => { }, (HathoraLogLevel)5));
                HathoraRoomsLog.Clear();
            });
        }

        // The hook is process-wide: always removed, even when the test fails.
        static void WithHandler(CapturedLog log, HathoraLogLevel maxLevel, Action body)
        {
            HathoraRoomsLog.Clear();
            HathoraRoomsLog.SetHandler(log.Add, maxLevel);
            try
            {
                body();
            }
            finally
            {
                HathoraRoomsLog.Clear();
            }
        }

        static void Refused(Action call)
        {
            try
            {
                call();
            }
            catch (HathoraInvalidArgumentException)
            {
                return;
            }
            throw new AssertionException("expected HathoraInvalidArgumentException");
        }

        sealed class Line
        {
            public HathoraLogLevel Level;
            public string Text;
            public int Thread;

            public override string ToString()
            {
                return Level + " (thread " + Thread + "): " + Text;
            }
        }

        sealed class CapturedLog
        {
            readonly List<Line> lines = new List<Line>();

            public List<Line> Lines
            {
                get { lock (lines) { return lines.ToList(); } }
            }

            public int Count
            {
                get { lock (lines) { return lines.Count; } }
            }

            public void Add(HathoraLogLevel level, string text)
            {
                lock (lines)
                {
                    lines.Add(new Line { Level = level, Text = text, Thread = Thread.CurrentThread.ManagedThreadId });
                }
            }

            public void AssertRetryLine()
            {
                Assert.True(Lines.Any(l => l.Level == HathoraLogLevel.Info && l.Text.IndexOf("retry", StringComparison.OrdinalIgnoreCase) >= 0),
                    "an Info line about the retry, got:\n" + this);
            }

            public void AssertAll(Func<Line, bool> condition, string what)
            {
                Assert.True(Lines.All(condition), what + ", got:\n" + this);
            }

            public override string ToString()
            {
                return string.Join("\n", Lines.Select(l => "  " + l).ToArray());
            }
        }
    }
}
