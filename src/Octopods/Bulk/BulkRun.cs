using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Time;

namespace Octopods.Bulk
{
    /// <summary>
    /// One bulk run, from its first row to its summary, and its one owner: it opens the journal, makes
    /// the run's <see cref="SendGate"/> and pacer, and builds the <see cref="BulkSender{TRequest, TResult}"/>,
    /// which hands each send the run's attempt policy and the row's position (a
    /// <see cref="SendContext"/>). The caller only feeds rows in and takes them back in input order.
    /// The path of one row: docs/dev/ARCHITECTURE.md.
    /// </summary>
    internal sealed class BulkRun<TRequest, TResult> : IDisposable where TResult : class
    {
        private readonly BulkRunOptions _options;
        private readonly SendGate _gate;
        private readonly BulkSender<TRequest, TResult> _sender;
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private readonly DateTimeOffset _startedAt;

        private BulkRun(BulkOperation<TRequest, TResult> operation, BulkRunOptions options, SendJournal? journal)
        {
            _options = options;
            Journal = journal;
            Resume = journal == null ? null : CountResume(journal);
            _gate = new SendGate(options.Clock, options.RatePerSecond > 0 ? new RatePacer(options.RatePerSecond, options.Clock) : null);
            _sender = new BulkSender<TRequest, TResult>(operation, new BulkOptions
            {
                ThrottleLimit = options.ThrottleLimit,
                ResendUnknown = options.ResendUnknown,
                StopOnFailure = options.StopOnFailure,
                AllowDuplicates = options.AllowDuplicates,
            }, _gate, journal);
            _startedAt = options.Clock.UtcNow;
        }

        /// <summary>
        /// Starts a run: opens the journal exclusively (a named <see cref="OctopodsException"/> when it
        /// cannot be) and makes everything the run's sends share.
        /// </summary>
        public static BulkRun<TRequest, TResult> Start(BulkOperation<TRequest, TResult> operation, BulkRunOptions options)
        {
            if (operation == null) throw new ArgumentNullException(nameof(operation));
            if (options == null) throw new ArgumentNullException(nameof(options));
            var journal = options.JournalPath == null ? null : SendJournal.Open(options.JournalPath, new JournalOptions
            {
                Clock = options.Clock,
                Target = options.Target,
                AcceptOtherTarget = options.AcceptOtherTarget,
                RowRule = options.RowRule,
            });
            try
            {
                return new BulkRun<TRequest, TResult>(operation, options, journal);
            }
            catch
            {
                journal?.Dispose();
                throw;
            }
        }

        public SendJournal? Journal { get; }

        /// <summary>What the journal held of earlier runs when it was opened; null without a journal.</summary>
        public ResumeCounts? Resume { get; }

        /// <summary>The pace asked for (-RatePerSecond), as spacing between starts; null when unpaced.</summary>
        public TimeSpan? PacingInterval => _gate.Pacer?.Interval;

        public BulkCounters Counters => _sender.Counters;

        public int InFlight => _sender.InFlight;

        /// <summary>Why the run stopped itself (the service kept failing); null when it did not.</summary>
        public string? StopReason => _sender.StopReason;

        /// <summary>How long the current 429 pause still lasts (zero when none).</summary>
        public TimeSpan PauseLeft => _gate.PauseLeft;

        /// <summary>True when another row may be submitted now (the window and the rows waiting to be taken have room).</summary>
        public bool HasRoom => _sender.HasRoom;

        /// <summary>True when nothing is in flight or waiting to be taken.</summary>
        public bool IsEmpty => _sender.IsEmpty;

        /// <summary>Hands one row to the window (call when <see cref="HasRoom"/>); rows the journal settles complete at once.</summary>
        public void Submit(TRequest request, object? state, string? idempotencyKey, RowOrigin? origin = null, OctopodsException? refusal = null) =>
            _sender.Submit(request, state, idempotencyKey, origin, refusal);

        /// <summary>A row that failed before it could be submitted (validation): it still comes back in order, and is journaled as refused.</summary>
        public void SubmitFailed(object? state, OctopodsException error, RowOrigin? origin = null, string? destination = null) =>
            _sender.SubmitFailed(default!, state, error, origin, destination);

        /// <summary>Journals rows refused before the run started (their errors are already written); not waited for, as nothing was sent.</summary>
        public void RecordRefused(IEnumerable<RefusedRow> rows) => RecordRefused(Journal, _sender.Channel, rows);

        /// <summary>
        /// A run whose every row was refused before a send still journals them, so the report lists them:
        /// the journal is opened with no target (nothing reached one) and closed again.
        /// </summary>
        public static void JournalRefusedOnly(string journalPath, OctopodsChannel channel, IClock clock, IReadOnlyList<RefusedRow> rows)
        {
            if (rows.Count == 0) return;
            using var journal = SendJournal.Open(journalPath, new JournalOptions { Clock = clock });
            RecordRefused(journal, channel, rows);
        }

        private static void RecordRefused(SendJournal? journal, OctopodsChannel channel, IEnumerable<RefusedRow> rows)
        {
            if (journal == null) return;
            foreach (var row in rows)
                _ = journal.WriteUnsentAsync(RefusedRow.StateOf(row.Error), null, channel, row.Destination, row.Origin, row.Error).ContinueWith(t => _ = t.Exception,
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>The next row in input order, once it is done.</summary>
        public bool TryTake(out BulkRowOutcome<TRequest, TResult> outcome) => _sender.TryTake(out outcome);

        /// <summary>Completes when a row can be submitted or the first row in order is done.</summary>
        public Task WhenReadyAsync() => _sender.WhenReadyAsync();

        /// <summary>Completes when the first row in order is done, or nothing is left.</summary>
        public Task WhenNextAsync() => _sender.WhenNextAsync();

        /// <summary>No send starts any more; sends on the wire get a short grace to finish (Ctrl+C, -ErrorAction Stop).</summary>
        public void Stop() => _sender.Stop();

        /// <summary>Stops the run for a reason of its own (the process ending, say), recorded in the journal; completes when recorded.</summary>
        public Task StopBecause(string kind, string reason, string message) => _sender.StopBecause(kind, reason, message);

        /// <summary>What stopped the run by itself (<see cref="BulkSender{TRequest, TResult}.OutageStop"/>, …); null when nothing did.</summary>
        public string? StopKind => _sender.StopKind;

        /// <summary>Waits until every submitted row is done (not taken).</summary>
        public Task WaitAllDoneAsync(CancellationToken cancellationToken) => _sender.WaitAllDoneAsync(cancellationToken);

        /// <summary>
        /// The run's end-of-run counts. <paramref name="refusedEarly"/>: rows refused before the run
        /// started; <paramref name="expected"/>: rows announced (-TotalCount), 0 when unknown.
        /// </summary>
        public BulkSummary Summary(string command, int refusedEarly, bool stopped, long expected)
        {
            var c = Counters;
            var rows = c.Submitted + refusedEarly;
            return new BulkSummary
            {
                Command = command,
                Rows = rows,
                Sent = c.Sent,
                Failed = c.Failed + refusedEarly,
                FromJournal = c.FromJournal,
                Unknown = c.Unknown,
                NotAttempted = c.NotAttempted,
                NotRead = stopped && expected > 0 ? Math.Max(0, expected - rows) : (long?)null,
                RateLimitPauses = _gate.Pauses,
                LearnedRatePerSecond = _gate.LearnedRatePerSecond,
                // The run's time as its clock kept it: in the sandbox, the sandbox's time, so a paced run
                // reports the rate it was paced to; for real, the monotonic stopwatch.
                Elapsed = _options.Clock is SystemClock ? _elapsed.Elapsed : _options.Clock.UtcNow - _startedAt,
                Stopped = stopped || _sender.StopReason != null,
                StopReason = _sender.StopReason,
                JournalPath = Journal?.Path,
                NotJournaled = c.Unjournaled,
                Duplicates = c.Duplicates,
            };
        }

        /// <summary>The summary of a run that never started: every row was refused before a send (no time taken).</summary>
        public static BulkSummary RefusedOnly(string command, int refused, bool stopped, long expected) => new BulkSummary
        {
            Command = command,
            Rows = refused,
            Failed = refused,
            NotRead = stopped && expected > 0 ? Math.Max(0, expected - refused) : (long?)null,
            Stopped = stopped,
        };

        private static ResumeCounts CountResume(SendJournal journal)
        {
            int accepted = 0, failed = 0, unknown = 0;
            foreach (var entry in journal.Previous.Values)
            {
                if (entry.State == JournalState.Accepted) accepted++;
                else if (entry.State == JournalState.Failed) failed++;
                else unknown++;
            }
            return new ResumeCounts
            {
                Accepted = accepted,
                Failed = failed,
                Unknown = unknown,
                SkippedLines = journal.SkippedLines,
                OnlyTornLines = journal.OnlyTornLines,
            };
        }

        /// <summary>Stops what still runs, then closes the journal and the gate (and its pacer).</summary>
        public void Dispose() => _sender.Dispose();
    }
}
