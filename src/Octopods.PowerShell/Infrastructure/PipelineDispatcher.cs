using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// Runs the core's async work off the pipeline thread while that thread keeps serving the
    /// Write* calls the work posts (verbose logs, progress): PowerShell allows them only there.
    /// </summary>
    internal sealed class PipelineDispatcher
    {
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();
        private readonly int _pipelineThread = Thread.CurrentThread.ManagedThreadId;

        /// <summary>Queues an action for the pipeline thread; runs it at once when already on it.</summary>
        public void Post(Action action)
        {
            if (Thread.CurrentThread.ManagedThreadId == _pipelineThread) action();
            else _queue.Add(action);
        }

        /// <summary>Runs whatever the background work has queued so far, without waiting.</summary>
        public void DrainQueued()
        {
            while (_queue.TryTake(out var action)) action();
        }

        /// <summary>
        /// Serves the queue until <paramref name="task"/> completes (its result is not observed) or the
        /// token is cancelled (then throws OperationCanceledException).
        /// </summary>
        public void Pump(Task task, CancellationToken cancellationToken)
        {
            if (!task.IsCompleted)
            {
                task.ContinueWith(_ => _queue.Add(() => { }), TaskContinuationOptions.ExecuteSynchronously);
                using (cancellationToken.Register(() => _queue.Add(() => { })))
                {
                    while (!task.IsCompleted)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (_queue.TryTake(out var action, Timeout.Infinite)) action();
                    }
                }
            }
            DrainQueued();
        }

        public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            var task = Task.Run(() => work(cancellationToken), cancellationToken);
            task.ContinueWith(_ => _queue.Add(() => { }), TaskContinuationOptions.ExecuteSynchronously);
            while (!task.IsCompleted)
            {
                if (_queue.TryTake(out var action, Timeout.Infinite)) action();
            }
            while (_queue.TryTake(out var remaining)) remaining();
            return task.GetAwaiter().GetResult();
        }
    }
}
