using System.Threading;
using System.Threading.Tasks;

namespace Octopods.FlowControl
{
    /// <summary>
    /// The gradual restart after a pause: one send at a time, then two, four… as answers come, until
    /// <see cref="OpenWindow"/> sends are in flight and the restart is over. Outside a restart a send
    /// takes no place (no cost).
    /// </summary>
    internal sealed class RestartWindow
    {
        /// <summary>Sends in flight once a restart has grown this far: the restart is over.</summary>
        public const int OpenWindow = 256;

        private readonly object _lock = new object();
        private int _inFlight;
        private int _window = int.MaxValue;
        private TaskCompletionSource<bool>? _placeFreed;

        /// <summary>A pause began: the next sends restart one at a time.</summary>
        public void Restart()
        {
            lock (_lock) _window = 1;
        }

        /// <summary>An attempt that held a place was answered: the restart grows.</summary>
        public void Grow()
        {
            TaskCompletionSource<bool>? freed;
            lock (_lock)
            {
                if (_window == int.MaxValue) return;
                _window = _window < OpenWindow ? _window * 2 : int.MaxValue;
                freed = TakeWaiters();
            }
            freed?.TrySetResult(true);
        }

        /// <summary>An attempt's place is free again.</summary>
        public void Release()
        {
            TaskCompletionSource<bool>? freed;
            lock (_lock)
            {
                _inFlight--;
                freed = TakeWaiters();
            }
            freed?.TrySetResult(true);
        }

        /// <summary>While a restart runs, waits for one of its places (true: one is held); otherwise takes none.</summary>
        public async Task<bool> TakeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task freed;
                lock (_lock)
                {
                    if (_window == int.MaxValue) return false;
                    if (_inFlight < _window)
                    {
                        _inFlight++;
                        return true;
                    }
                    // Asynchronous continuations: a freed place must not start the next send inside the
                    // previous one's answer. Only restarts wait here, so the hop is rare.
                    _placeFreed ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    freed = _placeFreed.Task;
                }
                await Signal.WaitAsync(freed, cancellationToken).ConfigureAwait(false);
            }
        }

        // Under the lock.
        private TaskCompletionSource<bool>? TakeWaiters()
        {
            var freed = _placeFreed;
            _placeFreed = null;
            return freed;
        }
    }
}
