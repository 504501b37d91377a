using System;
using System.Threading;
using System.Threading.Tasks;

namespace Hathora.Rooms.Tests
{
    internal sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message)
        {
        }
    }

    internal static class Assert
    {
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        // Polls `check` every 20 ms until it holds; fails naming `what` after Patience.
        public static void Eventually(string what, Func<bool> check)
        {
            DateTime end = DateTime.UtcNow + Patience;
            while (!check())
            {
                if (DateTime.UtcNow > end)
                {
                    throw new AssertionException(what + ": not so after " + Patience.TotalSeconds + " s");
                }
                Thread.Sleep(20);
            }
        }

        public static void True(bool condition, string what)
        {
            if (!condition)
            {
                throw new AssertionException("expected: " + what);
            }
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!Equals(expected, actual))
            {
                throw new AssertionException(what + ": expected <" + expected + ">, got <" + actual + ">");
            }
        }

        public static void Contains(string expectedPart, string actual, string what)
        {
            if (actual == null || actual.IndexOf(expectedPart, StringComparison.Ordinal) < 0)
            {
                throw new AssertionException(what + ": expected to contain <" + expectedPart + ">, got <" + actual + ">");
            }
        }

        public static T NotNull<T>(T value, string what) where T : class
        {
            if (value == null)
            {
                throw new AssertionException(what + ": expected a value, got null");
            }
            return value;
        }

        // Blocks until the task completes (worker mode) and returns its value.
        public static T Result<T>(Task<T> task)
        {
            Completes(task);
            return task.GetAwaiter().GetResult();
        }

        public static void Completes(Task task)
        {
            if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(Patience))
            {
                throw new AssertionException("the task did not complete within " + Patience.TotalSeconds + " s");
            }
        }

        // The exception the task fails with, which must be a TException (not a subclass check only:
        // the type is part of the contract).
        public static TException Throws<TException>(Task task) where TException : Exception
        {
            Completes(task);
            return Caught<TException>(task);
        }

        public static TException Caught<TException>(Task task) where TException : Exception
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                if (e.GetType() != typeof(TException))
                {
                    throw new AssertionException("expected " + typeof(TException).Name + ", got " + e);
                }
                return (TException)e;
            }
            throw new AssertionException("expected " + typeof(TException).Name + ", but the task succeeded");
        }
    }
}
