using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Interop
{
    // Starts one native asynchronous call: pins its arguments and passes the callback's user data.
    internal unsafe delegate HathoraResultCode NativeStart(HathoraClient* client, HathoraCallOptions* options, void* userData, ulong* requestId);

    // Turns native asynchronous calls into tasks, and decides where those tasks complete.
    internal sealed unsafe class RequestDispatcher
    {
        // Worker mode: at most this many tasks complete on native workers at once when MaxWorkers
        // is not set (the native default, 256, leaves the others free).
        const int DefaultInlineLimit = 64;

        readonly NativeClient native;
        readonly DispatchMode mode;
        // Poll mode: requests whose result was read, waiting to be finished by Poll or Dispose.
        readonly Queue<PendingRequest> ready = new Queue<PendingRequest>();
        // Worker mode: how many tasks may be completing on native workers at once, and how many are.
        // Below the pool's maximum, so that a continuation that blocks on another call of this
        // client (sync over async) never holds the last worker that call needs.
        readonly int inlineLimit;
        int inlineActive;
        static readonly WaitCallback FinishOnPool = state =>
        {
            try
            {
                ((PendingRequest)state).Finish();
            }
            catch (Exception e)
            {
                Diagnostics.ReportUnexpected(e);
            }
        };
        int disposed;

        public RequestDispatcher(NativeClient native, DispatchMode mode, int? maxWorkers)
        {
            this.native = native;
            this.mode = mode;
            inlineLimit = maxWorkers.HasValue ? Math.Min(DefaultInlineLimit, maxWorkers.Value - 1) : DefaultInlineLimit;
        }

        public bool IsDisposed
        {
            get { return Volatile.Read(ref disposed) != 0; }
        }

        // Worker mode: the native library's own threads run the callbacks.
        public bool CompletesOnNativeThreads
        {
            get { return mode == DispatchMode.Worker; }
        }

        public int Pending
        {
            get { return native.Pending; }
        }

        // Every failure, refusals included, surfaces through the task, never as a synchronous throw.
        public Task<T> Run<T>(ResultDecoder<T> decode, CallOptions options, CancellationToken token, NativeStart start)
        {
            return Settle.Canceled(Submit(decode, options, token, start));
        }

        Task<T> Submit<T>(ResultDecoder<T> decode, CallOptions options, CancellationToken token, NativeStart start)
        {
            try
            {
                if (IsDisposed)
                {
                    throw new ObjectDisposedException(typeof(HathoraRoomsClient).Name);
                }
                if (token.IsCancellationRequested)
                {
                    throw new HathoraCanceledException("the call was cancelled before it started", token, 0, 0);
                }
                var request = new PendingRequest<T>(this, decode, token);
                GCHandle handle = GCHandle.Alloc(request);
                ulong id = 0;
                HathoraResultCode code;
                try
                {
                    code = StartNative(options, start, GCHandle.ToIntPtr(handle), &id);
                }
                catch
                {
                    handle.Free();
                    throw;
                }
                if (code != HathoraResultCode.Ok)
                {
                    // Refused: the callback will never run, so the handle is ours to free.
                    string message = NativeClient.LastError();
                    handle.Free();
                    throw ExceptionFactory.Refused(code, message, IsDisposed);
                }
                request.Accepted(id);
                return request.Task;
            }
            catch (Exception e)
            {
                var failed = new TaskCompletionSource<T>();
                failed.SetException(e);
                return failed.Task;
            }
        }

        // Holds the handle for the native call: it cannot be freed before the call returns.
        HathoraResultCode StartNative(CallOptions options, NativeStart start, IntPtr userData, ulong* id)
        {
            using (Lease lease = native.Lease())
            {
                if (lease.Client == null)
                {
                    throw new ObjectDisposedException(typeof(HathoraRoomsClient).Name);
                }
                return Start(lease.Client, options, start, userData, id);
            }
        }

        // Pins the per-call options (if any) around the native call.
        static HathoraResultCode Start(HathoraClient* client, CallOptions options, NativeStart start, IntPtr userData, ulong* id)
        {
            if (options == null)
            {
                return start(client, null, (void*)userData, id);
            }
            if (options.MaxRetries < 0)
            {
                throw new HathoraInvalidArgumentException("options.MaxRetries must not be negative, got " + options.MaxRetries);
            }
            // The native init sets the version and "the client's" for every field not given here.
            HathoraCallOptions callOptions = NativeMethods.hathora_call_options_init();
            if (options.Timeout.HasValue)
            {
                callOptions.timeout_ms = Millis.From(options.Timeout.Value, "options.Timeout");
            }
            if (options.ConnectTimeout.HasValue)
            {
                callOptions.connect_timeout_ms = Millis.From(options.ConnectTimeout.Value, "options.ConnectTimeout");
            }
            if (options.MaxRetries.HasValue)
            {
                callOptions.max_retries = options.MaxRetries.Value;
            }
            fixed (byte* appId = Utf8.Encode(options.AppId, "options.AppId"))
            {
                callOptions.app_id = appId;
                return start(client, &callOptions, (void*)userData, id);
            }
        }

        public void Cancel(ulong requestId)
        {
            native.Cancel(requestId);
        }

        // Called by the trampoline once the result was read. Worker mode completes the task right
        // here, on the native worker that ran the call (the result is already copied out and freed),
        // so a continuation that starts the next call hands it to this same worker, with no thread
        // hand-off either way. Past the inline limit, and while Dispose waits for the workers (a
        // continuation must not wait for whatever the disposing thread holds), on the thread pool
        // instead. Poll mode waits for Poll or Dispose.
        public void Deliver(PendingRequest request)
        {
            if (mode == DispatchMode.Worker)
            {
                if (!IsDisposed)
                {
                    int active = Interlocked.Increment(ref inlineActive);
                    try
                    {
                        if (active <= inlineLimit)
                        {
                            request.Finish();
                            return;
                        }
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inlineActive);
                    }
                }
                // Each its own work item: one continuation that blocks holds back no other.
                ThreadPool.UnsafeQueueUserWorkItem(FinishOnPool, request);
                return;
            }
            lock (ready)
            {
                ready.Enqueue(request);
            }
        }

        public int Poll(int maxCompletions)
        {
            if (mode != DispatchMode.Poll || IsDisposed)
            {
                return 0;
            }
            native.Poll(maxCompletions);
            return FinishReady();
        }

        // Frees the native client, which ends every request in flight and runs each callback once
        // before returning; then the poll-mode completions are finished here.
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }
            native.Dispose();
            FinishReady();
        }

        // Tasks complete outside any native frame, so user continuations never run inside a
        // native callback. One at a time: a continuation may poll or dispose re-entrantly.
        int FinishReady()
        {
            int finished = 0;
            while (true)
            {
                PendingRequest request;
                lock (ready)
                {
                    if (ready.Count == 0)
                    {
                        return finished;
                    }
                    request = ready.Dequeue();
                }
                try
                {
                    request.Finish();
                }
                catch (Exception e)
                {
                    Diagnostics.ReportUnexpected(e);
                }
                finished++;
            }
        }
    }
}
