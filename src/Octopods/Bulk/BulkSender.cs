using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;

namespace Octopods.Bulk
{
    /// <summary>
    /// The bulk engine: a bounded window of sends in flight (gated; journaled when given a journal)
    /// whose outcomes come back in input order to one producer (<see cref="Submit"/>, <see cref="TryTake"/>).
    /// Threads, memory and why: docs/dev/ARCHITECTURE.md.
    /// </summary>
    internal sealed class BulkSender<TRequest, TResult> : IDisposable where TResult : class
    {
        private readonly object _lock = new object();
        private readonly BulkOperation<TRequest, TResult> _operation;
        private readonly BulkOptions _options;
        private readonly SendGate _gate;
        private readonly RunAttemptPolicy _policy;
        private readonly OutageWatch _outage = new OutageWatch();
        private string? _stopReason;
        private readonly SendJournal? _journal;
        private readonly Queue<BulkRowOutcome<TRequest, TResult>> _order = new Queue<BulkRowOutcome<TRequest, TResult>>();
        // One entry per distinct row of the run, so compact keys (16 bytes, not a 64-character string).
        private readonly Dictionary<RowKey, int> _occurrences = new Dictionary<RowKey, int>();
        private readonly HashSet<RowKey> _explicitKeys = new HashSet<RowKey>();
        private readonly CancellationTokenSource _start = new CancellationTokenSource();
        private readonly CancellationTokenSource _send = new CancellationTokenSource();
        // Rows waiting for one of the ThrottleLimit send loops (FIFO, so rows start in input order).
        private readonly Queue<BulkRowOutcome<TRequest, TResult>> _waiting = new Queue<BulkRowOutcome<TRequest, TResult>>();
        private int _loops;
        private TaskCompletionSource<bool>? _signal;
        private long _sequence;
        private int _inFlight;

        public BulkSender(BulkOperation<TRequest, TResult> operation, BulkOptions options, SendGate gate, SendJournal? journal = null)
        {
            _operation = operation ?? throw new ArgumentNullException(nameof(operation));
            _options = options ?? throw new ArgumentNullException(nameof(options));
            if (_options.ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(options), "ThrottleLimit must be at least 1.");
            _gate = gate ?? throw new ArgumentNullException(nameof(gate));
            _policy = new RunAttemptPolicy(gate);
            _journal = journal;
        }

        public BulkCounters Counters { get; } = new BulkCounters();
        public OctopodsChannel Channel => _operation.Channel;
        public SendGate Gate => _gate;
        public SendJournal? Journal => _journal;

        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>Why the run stopped itself (the service kept failing); null when it did not.</summary>
        public string? StopReason => Volatile.Read(ref _stopReason);

        /// <summary>
        /// True when another row may be submitted now: fewer than <see cref="BulkOptions.MaxPending"/> rows
        /// are queued, in flight or waiting to be taken (at most ThrottleLimit of them are in flight).
        /// </summary>
        public bool HasRoom { get { lock (_lock) return HasRoomLocked; } }
        private bool HasRoomLocked => _order.Count < _options.EffectiveMaxPending;

        /// <summary>True when nothing is in flight or waiting to be taken.</summary>
        public bool IsEmpty { get { lock (_lock) return _order.Count == 0; } }

        /// <summary>A row that failed before it could be submitted (validation): it still comes back in order.</summary>
        public void SubmitFailed(TRequest request, object? state, OctopodsException error, RowOrigin? origin = null, string? destination = null)
        {
            var row = Enqueue(request, state, origin);
            RecordUnsent(row, RefusedRow.StateOf(error), destination, error);
            Complete(row, BulkRowKind.Failed, null, error);
        }

        /// <summary>
        /// Hands one row to the window. Call only when <see cref="HasRoom"/> (the caller waits with
        /// <see cref="WhenReadyAsync"/>); rows the journal settles complete at once without a send.
        /// </summary>
        /// <remarks>
        /// <paramref name="refusal"/>: why this row may not be sent (its number opted out). It is checked
        /// after the journal: a row an earlier run sent is still reported as sent, not as refused.
        /// </remarks>
        public void Submit(TRequest request, object? state, string? idempotencyKey = null, RowOrigin? origin = null, OctopodsException? refusal = null)
        {
            var row = Enqueue(request, state, origin);
            // An explicit key names one message, journal or not: a second row with it is refused.
            string? keyId = null;
            if (!string.IsNullOrWhiteSpace(idempotencyKey))
            {
                keyId = RowIdentity.FromKey(_operation.Channel, idempotencyKey!, _journal?.RowSecret);
                if (!_explicitKeys.Add(RowKey.FromId(keyId)))
                {
                    var error = new OctopodsException(ErrorNames.DuplicateIdempotencyKey, OctopodsErrorKind.InvalidArgument,
                        $"Another row of this run has the same idempotency key as the row to {_operation.Destination(request)}",
                        "It was not sent. Give every row its own key, or leave the column out to use the content's hash.");
                    RecordUnsent(row, JournalState.Refused, _operation.Destination(request), error);
                    Complete(row, BulkRowKind.Failed, null, error);
                    return;
                }
            }
            // Without a key, the content names the row: a repeat of an earlier row of this run (the same
            // text to the same number, as a CSV exported twice holds) is sent once unless repeats are allowed.
            string? contentId = null;
            if (keyId == null && (_journal != null || !_options.AllowDuplicates))
            {
                var baseId = _journal == null || _journal.ComparableContent
                    ? RowIdentity.FromComparableContent(_operation.Channel, _operation.Destination(request), _operation.ComparableContent(request), _journal?.RowSecret)
                    : RowIdentity.FromContent(_operation.Channel, _operation.Destination(request), _operation.Content(request), _journal.RowSecret);
                var baseKey = RowKey.FromId(baseId);
                _occurrences.TryGetValue(baseKey, out var seen);
                if (seen > 0 && !_options.AllowDuplicates)
                {
                    var error = new OctopodsException(ErrorNames.DuplicateRow, OctopodsErrorKind.InvalidArgument,
                        $"This row repeats an earlier row of this run (the same message to {_operation.Destination(request)}); it was not sent, so the recipient gets it once",
                        "If the repeat is meant, run with -AllowDuplicate; to tell such rows apart, give each an -IdempotencyKey.");
                    RecordUnsent(row, JournalState.Duplicate, _operation.Destination(request), error);
                    Complete(row, BulkRowKind.Duplicate, null, error);
                    return;
                }
                _occurrences[baseKey] = seen + 1;
                contentId = RowIdentity.Occurrence(baseId, seen + 1);
            }
            if (_journal != null)
            {
                var id = keyId ?? contentId!;
                row.RowId = id;
                var previous = _journal.Find(id);
                if (previous != null && previous.State == JournalState.Accepted)
                {
                    Complete(row, BulkRowKind.FromJournal, _operation.Restore(request, previous), null);
                    return;
                }
                if (previous != null && previous.State == JournalState.Unknown && !_options.ResendUnknown)
                {
                    var when = previous.At.HasValue ? $" at {previous.At.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "";
                    Complete(row, BulkRowKind.Unknown, null, new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                        $"The journal shows the message to {_operation.Destination(request)} was being sent{when} but has no outcome for it" +
                        (previous.Error != null ? $" ({previous.Error})" : ""),
                        "It may have gone out, so it was not sent again. Check the conversation, then run again with -ResendUnknown to send such rows anyway."));
                    return;
                }
            }
            if (refusal != null)
            {
                RecordUnsent(row, RefusedRow.StateOf(refusal), _operation.Destination(request), refusal);
                Complete(row, BulkRowKind.Failed, null, refusal);
                return;
            }
            bool stopped;
            lock (_lock)
            {
                // Under the lock, so Stop either finds the row waiting (and ends it) or is seen here.
                stopped = _start.IsCancellationRequested;
                if (!stopped)
                {
                    if (_loops >= _options.ThrottleLimit)
                    {
                        _waiting.Enqueue(row);
                        return;
                    }
                    _loops++;
                }
            }
            if (stopped) NotAttempted(row);
            else _ = SendLoopAsync(row);
        }

        /// <summary>
        /// One of at most ThrottleLimit loops: sends a row, then the next waiting one, continuing on the
        /// thread that finished the exchange (an await's continuation runs inline there), so the window
        /// stays full without the pipeline thread or another thread-pool hop.
        /// </summary>
        private async Task SendLoopAsync(BulkRowOutcome<TRequest, TResult> first)
        {
            var ended = false;
            try
            {
                for (var row = first; row != null; row = NextWaiting())
                    await SendOneAsync(row).ConfigureAwait(false);
                ended = true;   // NextWaiting counted this loop out
            }
            finally
            {
                // Whatever escaped, the loop's place must be freed or the rows waiting for it never start.
                if (!ended) lock (_lock) _loops--;
            }
        }

        private async Task SendOneAsync(BulkRowOutcome<TRequest, TResult> row)
        {
            lock (_lock) _inFlight++;
            try
            {
                await RunAsync(row).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A bug must neither lose the row nor end the loop (later rows would wait for ever).
                bool done;
                lock (_lock) done = row.Done;
                if (!done)
                    Complete(row, BulkRowKind.Unknown, null, new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                        $"Sending row {row.Sequence + 1} failed unexpectedly: {ex.Message}",
                        "It may have gone out, so it was not sent again.", ex));
            }
            finally
            {
                lock (_lock) _inFlight--;
            }
        }

        /// <summary>The next row waiting for a loop, or null (and this loop ends) when none or stopping.</summary>
        private BulkRowOutcome<TRequest, TResult>? NextWaiting()
        {
            lock (_lock)
            {
                if (_waiting.Count > 0 && !_start.IsCancellationRequested) return _waiting.Dequeue();
                _loops--;
                return null;
            }
        }

        private BulkRowOutcome<TRequest, TResult> Enqueue(TRequest request, object? state, RowOrigin? origin)
        {
            var row = new BulkRowOutcome<TRequest, TResult>(_sequence++, request, state, origin);
            // In input order, before any later row can reach the pacer: paced turns keep this order.
            _gate.Expect(row.Sequence);
            lock (_lock) _order.Enqueue(row);
            Interlocked.Increment(ref Counters.SubmittedCount);
            return row;
        }

        private async Task RunAsync(BulkRowOutcome<TRequest, TResult> row)
        {
            try
            {
                // Wait out a 429 pause before the intent, so a row held here has no intent in the journal.
                // The pacer's turn comes later, immediately before the request leaves (the client asks the gate).
                await _gate.WaitOutPauseAsync(_start.Token).ConfigureAwait(false);
                _gate.ThrowIfBlocked();
            }
            catch (OperationCanceledException)
            {
                NotAttempted(row);
                return;
            }
            catch (OctopodsException ex)
            {
                // Blocked by a 429 asking for longer than allowed: certainly not sent, no intent written.
                RecordUnsent(row, JournalState.NotAttempted, _operation.Destination(row.Request), ex);
                Complete(row, BulkRowKind.Failed, null, ex);
                return;
            }

            if (_journal != null)
            {
                try
                {
                    await _journal.WriteIntentAsync(row.RowId!, row.Sequence, _operation.Channel, _operation.Destination(row.Request), row.Origin).ConfigureAwait(false);
                }
                catch (OctopodsException ex)
                {
                    Complete(row, BulkRowKind.Failed, null, ex);
                    return;
                }
            }
            if (_start.IsCancellationRequested)
            {
                // Stopped while the intent was being flushed: nothing left, and the journal says so.
                Finish(row, BulkRowKind.NotAttempted, null, null, RecordFailure(row, true, new SendStoppedException("The run was stopped before this message was sent")));
                return;
            }

            TResult result;
            try
            {
                // Only the exchange itself runs on _send (cancelled StopGrace after a stop); every wait
                // for a turn inside the client ends at the stop itself (the gate), as SendStoppedException.
                // The row's position goes with it: paced turns go in input order.
                result = await _operation.Send(row.Request, new SendContext(_policy, row.Sequence), _send.Token).ConfigureAwait(false);
            }
            catch (SendStoppedException ex)
            {
                Finish(row, BulkRowKind.NotAttempted, null, null, RecordFailure(row, true, ex));
                return;
            }
            catch (OctopodsException ex)
            {
                WatchOutage(ex);
                WatchKey(ex);
                var certain = ex.Kind != OctopodsErrorKind.OutcomeUnknown;
                Finish(row, certain ? BulkRowKind.Failed : BulkRowKind.Unknown, null, ex, RecordFailure(row, certain, ex));
                return;
            }
            catch (OperationCanceledException ex)
            {
                var unknown = new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                    $"The run was stopped while the message to {_operation.Destination(row.Request)} was being sent",
                    "It may have gone out, so a resumed run does not send it again unless -ResendUnknown is given.", ex);
                Finish(row, BulkRowKind.Unknown, null, unknown, RecordFailure(row, false, unknown));
                return;
            }
            catch (Exception ex)
            {
                var unknown = new OctopodsException(ErrorNames.OutcomeUnknown, OctopodsErrorKind.OutcomeUnknown,
                    $"Sending the message to {_operation.Destination(row.Request)} failed unexpectedly: {ex.Message}",
                    "It may have gone out, so it was not sent again.", ex);
                Finish(row, BulkRowKind.Unknown, null, unknown, RecordFailure(row, false, unknown));
                return;
            }
            _outage.Answered();
            Finish(row, BulkRowKind.Sent, result, null, RecordSent(row, result));
        }

        /// <summary>
        /// A send failed: a run of server errors pauses the run, and when it goes on after the last pause
        /// the run stops as Ctrl+C stops it (<see cref="OutageWatch"/>); an error of the row's own ends the run of errors.
        /// </summary>
        private void WatchOutage(OctopodsException error)
        {
            if (!OutageWatch.IsServerTrouble(error))
            {
                _outage.Answered();
                return;
            }
            switch (_outage.ServerFailed())
            {
                case OutageWatch.Verdict.Pause:
                    _gate.Hold(_outage.PauseFor);
                    break;
                case OutageWatch.Verdict.Stop:
                    // Never waited for here: the send loop goes on to its next row, which finds the run stopped.
                    var reason = $"the service failed {_outage.ErrorsInARow} sends in a row ({error.ErrorName}: {error.Detail}), through {OutageWatch.PauseCount} pauses";
                    _ = StopBecause(OutageStop, reason, "The run stopped itself: " + reason + ".");
                    break;
            }
        }

        /// <summary>
        /// The service refused the key (HTTP 401 or 403): every row after this one would be refused the
        /// same way, so the run stops as Ctrl+C stops it, resumably (nothing was sent). Not the
        /// deprecated-key error: the service's SMS code 5 also comes back for a bad destination.
        /// </summary>
        private void WatchKey(OctopodsException error)
        {
            if (error.ErrorName != ErrorNames.Unauthorized) return;
            var reason = $"the service refused the key ({error.ErrorName}: {error.Detail})";
            _ = StopBecause(KeyRefusedStop, reason, "The run stopped itself: " + reason + ".");
        }

        /// <summary>The kind of stop a refused key is (<see cref="StopKind"/>).</summary>
        public const string KeyRefusedStop = "key-refused";

        /// <summary>
        /// Stops the run for a reason of its own (an outage, the process ending) as Ctrl+C stops it,
        /// recorded in the journal first so the morning-after report can say it. Completes when the
        /// record is on disk; only the first reason counts.
        /// </summary>
        public Task StopBecause(string kind, string reason, string message)
        {
            // The kind first: whoever sees the reason sees its kind (only the first stopper gets here).
            if (Interlocked.CompareExchange(ref _stopKind, kind, null) != null) return Task.CompletedTask;
            Volatile.Write(ref _stopReason, reason);
            var recorded = _journal == null ? Task.CompletedTask : Quietly(_journal.WriteStoppedAsync(kind, message));
            Stop();
            return recorded;
        }

        /// <summary>The kind of stop an outage is (<see cref="StopKind"/>).</summary>
        public const string OutageStop = "outage";

        /// <summary>What stopped the run by itself: <see cref="OutageStop"/>, "terminated"…; null when nothing did.</summary>
        public string? StopKind => Volatile.Read(ref _stopKind);
        private string? _stopKind;

        /// <summary>
        /// Hands the row back once its outcome is on disk, without holding its send loop meanwhile:
        /// the next row's exchange need not wait for this record's fsync.
        /// </summary>
        private void Finish(BulkRowOutcome<TRequest, TResult> row, BulkRowKind kind, TResult? result, OctopodsException? error, Task journaled)
        {
            if (journaled.IsCompleted) Complete(row, kind, result, error);
            else journaled.ContinueWith(_ => Complete(row, kind, result, error), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>Never faults: a send the journal could not record is unknown to a resumed run, never re-sent.</summary>
        private Task RecordSent(BulkRowOutcome<TRequest, TResult> row, TResult result) =>
            _journal == null ? Task.CompletedTask : Unfailing(_journal.WriteSentAsync(row.RowId!, _operation.Record(result)));

        /// <summary>Never faults: when the outcome cannot be written the intent stays alone, unknown on resume (the safe reading).</summary>
        private Task RecordFailure(BulkRowOutcome<TRequest, TResult> row, bool certain, OctopodsException error) =>
            _journal == null ? Task.CompletedTask : Unfailing(_journal.WriteFailureAsync(row.RowId!, certain, error));

        /// <summary>Stopped before its first attempt (no intent written): journaled so the report lists it.</summary>
        private void NotAttempted(BulkRowOutcome<TRequest, TResult> row)
        {
            RecordUnsent(row, JournalState.NotAttempted, _operation.Destination(row.Request), null);
            Complete(row, BulkRowKind.NotAttempted, null, null);
        }

        /// <summary>
        /// A row that was never sent, for the report: not waited for (nothing went out, so a lost record
        /// costs no resend; a resume sends such a row anyway) and never faulting.
        /// </summary>
        private void RecordUnsent(BulkRowOutcome<TRequest, TResult> row, JournalState state, string? destination, OctopodsException? error)
        {
            if (_journal != null) _ = Quietly(_journal.WriteUnsentAsync(state, row.RowId, _operation.Channel, destination, row.Origin, error));
        }

        private static async Task Quietly(Task write)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (OctopodsException)
            {
            }
        }

        /// <summary>Never faults; an outcome the journal could not record is counted (the summary says a resume reads it as unknown).</summary>
        private async Task Unfailing(Task write)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (OctopodsException)
            {
                Interlocked.Increment(ref Counters.UnjournaledCount);
            }
        }

        private void Complete(BulkRowOutcome<TRequest, TResult> row, BulkRowKind kind, TResult? result, OctopodsException? error)
        {
            _gate.Settle(row.Sequence);
            row.Kind = kind;
            row.Result = result;
            row.Error = error;
            switch (kind)
            {
                case BulkRowKind.Sent: Interlocked.Increment(ref Counters.SentCount); break;
                case BulkRowKind.FromJournal: Interlocked.Increment(ref Counters.FromJournalCount); break;
                case BulkRowKind.Failed: Interlocked.Increment(ref Counters.FailedCount); break;
                case BulkRowKind.Unknown: Interlocked.Increment(ref Counters.UnknownCount); break;
                case BulkRowKind.NotAttempted: Interlocked.Increment(ref Counters.NotAttemptedCount); break;
                case BulkRowKind.Duplicate: Interlocked.Increment(ref Counters.DuplicateCount); break;
            }
            // At once, from here: the caller learns of the failure only when the rows before it are done,
            // and every row it submitted meanwhile would otherwise start.
            if (_options.StopOnFailure && (kind == BulkRowKind.Failed || kind == BulkRowKind.Unknown || kind == BulkRowKind.Duplicate)) Stop();
            TaskCompletionSource<bool>? signal;
            lock (_lock)
            {
                row.Done = true;
                // Only the first row in order can unblock the pipeline thread; wake it for nothing else
                // (except while stopping, when WaitAllDoneAsync counts every completion).
                if (_start.IsCancellationRequested || HeadBatchReadyLocked(row))
                {
                    signal = _signal;
                    _signal = null;
                    _sinceWake.Restart();
                }
                else signal = null;
            }
            signal?.TrySetResult(true);
        }

        /// <summary>
        /// Whether finishing <paramref name="row"/> should wake the waiting pipeline thread: the head row is
        /// done and a batch (half of MaxPending, at most 16) or every row is, or the head is an error
        /// (-ErrorAction Stop), or <see cref="MaxWakeDelay"/> has passed. One wake per batch, not per row.
        /// </summary>
        private bool HeadBatchReadyLocked(BulkRowOutcome<TRequest, TResult> row)
        {
            if (_signal == null || _order.Count == 0) return false;
            var head = _order.Peek();
            if (!head.Done) return false;
            if (head.Error != null || _sinceWake.Elapsed >= MaxWakeDelay) return true;
            var batch = Math.Min(16, Math.Max(1, _options.EffectiveMaxPending / 2));
            var ready = 0;
            foreach (var queued in _order)
            {
                if (!queued.Done) return false;
                if (++ready >= batch) return true;
            }
            return true;
        }

        /// <summary>The longest the pipeline thread sleeps while the first row is done (output and progress stay fresh).</summary>
        private static readonly TimeSpan MaxWakeDelay = TimeSpan.FromMilliseconds(100);
        private readonly System.Diagnostics.Stopwatch _sinceWake = System.Diagnostics.Stopwatch.StartNew();

        /// <summary>The next row in input order, once it is done.</summary>
        public bool TryTake(out BulkRowOutcome<TRequest, TResult> outcome)
        {
            lock (_lock)
            {
                if (_order.Count > 0 && _order.Peek().Done)
                {
                    outcome = _order.Dequeue();
                    return true;
                }
            }
            outcome = null!;
            return false;
        }

        /// <summary>Completes when a row can be submitted or the first row in order is done.</summary>
        public Task WhenReadyAsync() => Wait(requireRoom: true);

        /// <summary>Completes when the first row in order is done, or nothing is left.</summary>
        public Task WhenNextAsync() => Wait(requireRoom: false);

        private Task Wait(bool requireRoom)
        {
            lock (_lock)
            {
                if (_order.Count == 0 || _order.Peek().Done || (requireRoom && HasRoomLocked)) return Task.CompletedTask;
                if (_signal == null)
                {
                    _signal = NewSignal();
                    _sinceWake.Restart();   // MaxWakeDelay counts from when the pipeline thread began to wait
                }
                return _signal.Task;
            }
        }

        /// <summary>Continuations run inline on the completing thread: a wake is an event's Set, not a pool work item.</summary>
        private static TaskCompletionSource<bool> NewSignal() => new TaskCompletionSource<bool>();

        /// <summary>
        /// Stops starting sends: rows waiting for a slot, a 429 pause or the pacer (including retries
        /// after a 429) become NotAttempted at once, journaled as certain failures when their intent was
        /// written, so a resumed run sends them. Only sends already on the wire get
        /// <see cref="BulkOptions.StopGrace"/> to finish, then are cancelled (and are Unknown).
        /// </summary>
        public void Stop()
        {
            if (_start.IsCancellationRequested) return;
            _start.Cancel();
            _gate.Stop();
            _send.CancelAfter(_options.StopGrace);
            BulkRowOutcome<TRequest, TResult>[] waiting;
            lock (_lock)
            {
                waiting = _waiting.ToArray();
                _waiting.Clear();
            }
            foreach (var row in waiting) NotAttempted(row);
        }

        /// <summary>Waits until every submitted row is done (not taken); for stopping and tests.</summary>
        public async Task WaitAllDoneAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task signal;
                lock (_lock)
                {
                    if (_order.All(r => r.Done)) return;
                    _signal ??= NewSignal();
                    signal = _signal.Task;
                }
                await Signal.WaitAsync(signal, cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            Stop();
            _send.Cancel();
            try { _journal?.Dispose(); }
            finally { _gate.Dispose(); }
        }
    }
}
