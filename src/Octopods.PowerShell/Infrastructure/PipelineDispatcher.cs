using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Runs the core's async work off the pipeline thread while that thread serves the Write* calls
    /// the work posts (PowerShell allows them only there), sleeping on an event in between.
    /// </summary>
    internal sealed class PipelineDispatcher : IDisposable
    {
        private readonly ConcurrentQueue<Action> _queue = new ConcurrentQueue<Action>();
        private readonly AutoResetEvent _wake = new AutoResetEvent(false);
        private readonly int _pipelineThread = Environment.CurrentManagedThreadId;
        private readonly Action<Task> _wakeOnCompletion;

        public PipelineDispatcher()
        {
            _wakeOnCompletion = _ => Wake();
        }

        /// <summary>Queues an action for the pipeline thread; runs it at once when already on it.</summary>
        public void Post(Action action)
        {
            if (Environment.CurrentManagedThreadId == _pipelineThread)
            {
                action();
                return;
            }
            _queue.Enqueue(action);
            Wake();
        }

        private void Wake()
        {
            // Work that finishes after the command ended has nobody to wake.
            try { _wake.Set(); }
            catch (ObjectDisposedException) { }
        }

        public void Dispose() => _wake.Dispose();

        /// <summary>Runs whatever the background work has queued so far, without waiting.</summary>
        public void DrainQueued()
        {
            while (_queue.TryDequeue(out var action)) action();
        }

        /// <summary>
        /// Serves the queue until <paramref name="task"/> completes (its result is not observed) or the
        /// token is cancelled (then throws OperationCanceledException).
        /// </summary>
        public void Pump(Task task, CancellationToken cancellationToken)
        {
            if (!task.IsCompleted)
            {
                task.ContinueWith(_wakeOnCompletion, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                using (cancellationToken.Register(Wake))
                {
                    while (true)
                    {
                        DrainQueued();
                        if (task.IsCompleted) break;
                        cancellationToken.ThrowIfCancellationRequested();
                        _wake.WaitOne();
                    }
                }
            }
            DrainQueued();
        }

        public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            var task = Task.Run(() => work(cancellationToken), cancellationToken);
            task.ContinueWith(_wakeOnCompletion, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            while (true)
            {
                DrainQueued();
                if (task.IsCompleted) break;
                _wake.WaitOne();
            }
            DrainQueued();
            return task.GetAwaiter().GetResult();
        }
    }
}
