using System;
using System.Threading;
using System.Threading.Tasks;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Interop
{
    // One accepted asynchronous call. It crosses the C ABI as a GCHandle in user_data; the
    // trampoline gets it back, lets it Read the result, then hands it to the dispatcher, which
    // calls Finish on the thread the dispatch mode says.
    internal abstract unsafe class PendingRequest
    {
        protected PendingRequest(RequestDispatcher owner)
        {
            Owner = owner;
        }

        public RequestDispatcher Owner { get; private set; }

        // Runs inside the native callback: copies everything out of the result, which is freed
        // right after. Never throws.
        public abstract void Read(HathoraResult* result);

        // Completes the task. Never throws.
        public abstract void Finish();
    }

    internal sealed unsafe class PendingRequest<T> : PendingRequest
    {
        static readonly Action<object> CancelNative = state => ((PendingRequest<T>)state).CancelNativeRequest();

        readonly ResultDecoder<T> decode;
        readonly CancellationToken token;
        readonly TaskCompletionSource<T> completion;
        readonly object gate = new object();
        ulong requestId;
        bool finished;
        CancellationTokenRegistration registration;
        T value;
        Exception error;

        public PendingRequest(RequestDispatcher owner, ResultDecoder<T> decode, CancellationToken token)
            : base(owner)
        {
            this.decode = decode;
            this.token = token;
            // Continuations run where Finish runs (unless they captured a context): on the worker
            // that ran the call, on a thread-pool thread, or on the polling thread.
            completion = new TaskCompletionSource<T>();
        }

        public Task<T> Task
        {
            get { return completion.Task; }
        }

        // Called once the native call returned its id. In worker mode the request may already
        // have finished by then: the registration is then dropped at once.
        public void Accepted(ulong id)
        {
            requestId = id;
            if (!token.CanBeCanceled)
            {
                return;
            }
            CancellationTokenRegistration reg = token.Register(CancelNative, this);
            lock (gate)
            {
                if (!finished)
                {
                    registration = reg;
                    return;
                }
            }
            reg.Dispose();
        }

        public override void Read(HathoraResult* result)
        {
            try
            {
                HathoraResultCode code = NativeMethods.hathora_result_code(result);
                if (code == HathoraResultCode.Ok)
                {
                    value = decode(result);
                }
                else
                {
                    error = ExceptionFactory.FromResult(result, code, token);
                }
            }
            catch (Exception e)
            {
                error = ExceptionFactory.Undecodable(result, e);
            }
        }

        public override void Finish()
        {
            CancellationTokenRegistration reg;
            lock (gate)
            {
                finished = true;
                reg = registration;
            }
            reg.Dispose();
            if (error != null)
            {
                completion.TrySetException(error);
            }
            else
            {
                completion.TrySetResult(value);
            }
        }

        // The native callback still runs once, with CANCELLED (or with the result, if it won the race).
        void CancelNativeRequest()
        {
            Owner.Cancel(requestId);
        }
    }
}
