using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using Octopods.Bulk;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// A send cmdlet that takes many rows: the bulk parameters, and the pipeline side of the core's
    /// <see cref="BulkSender{TRequest, TResult}"/>. The derived ProcessRecord validates a row and asks
    /// ShouldProcess on the pipeline thread, then calls <see cref="SubmitRow"/>; results and errors come
    /// back in input order (or held for a -Wait: <see cref="HoldOutput"/>), always on the
    /// pipeline thread. While the window is full the pipeline thread serves the dispatcher, so verbose
    /// logs and progress keep flowing. EndProcessing calls <see cref="FinishRows"/> to drain.
    /// </summary>
    public abstract class BulkSendCmdlet<TRequest, TResult> : OctopodsApiCmdlet where TResult : class
    {
        private const int ProgressId = 0x0C71;
        private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);

        // The message parameters every send command shares (SMS, WhatsApp and Viber templates).

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "destination_user_name")]
        public string? DestinationUserName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("open_intercom_conversation")]
        [BooleanText]
        public SwitchParameter OpenIntercomConversation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("intercom_teammate_id")]
        public string? IntercomTeammateId { get; set; }

        /// <summary>Region (US, GB, IE, …) for numbers written in national form, such as (415) 555-2671.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? DefaultRegion { get; set; }

        /// <summary>Send without asking, even when $ConfirmPreference or -Confirm would ask.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The pipeline object itself: errors name the row, and -…VariableProperty reads from it.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>-OpenIntercomConversation as given (true or false), or null when the row left it out.</summary>
        protected bool? OpenIntercomChoice =>
            MyInvocation.BoundParameters.ContainsKey(nameof(OpenIntercomConversation)) ? OpenIntercomConversation.IsPresent : (bool?)null;

        /// <summary>
        /// Whether to send this row: -Force skips the prompt, never a dry run (-WhatIf, typed or
        /// inherited through $WhatIfPreference, still wins).
        /// </summary>
        protected bool ShouldSend(string target, string action) => (Force && !WhatIfInEffect) || ShouldProcess(target, action);

        /// <summary>How many sends may be in flight at once (1 keeps strict sequence). Default 4.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = BulkOptions.DefaultThrottleLimit;

        /// <summary>At most this many sends per second (fractional allowed, e.g. 0.5); no one-second window exceeds it.</summary>
        [Parameter]
        [ValidateRange(0.001, 100000.0)]
        public double RatePerSecond { get; set; }

        /// <summary>A JSON-lines file recording each row's intent and outcome; the same path resumes a stopped run.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>With -JournalPath: send again rows whose earlier outcome is unknown (they may be duplicated).</summary>
        [Parameter]
        public SwitchParameter ResendUnknown { get; set; }

        /// <summary>A row's identity for the journal instead of the hash of channel, destination and content.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("idempotency_key")]
        [AllowNull, AllowEmptyString]
        public string? IdempotencyKey { get; set; }

        /// <summary>How many rows to expect, for the progress bar's percentage and time left.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long TotalCount { get; set; }

        private BulkSender<TRequest, TResult>? _engine;
        private readonly Stopwatch _clock = new Stopwatch();
        private TimeSpan? _lastProgress;
        private int _failedEarly;
        private bool _summaryWritten;
        private bool _stopped;

        /// <summary>The send operation for the core engine (called once, on the pipeline thread).</summary>
        protected abstract BulkOperation<TRequest, TResult> CreateOperation();

        /// <summary>"Sending SMS", "Sending WhatsApp templates"…</summary>
        protected abstract string ProgressActivity { get; }

        /// <summary>
        /// True when results and errors are held until <see cref="WriteHeld"/> (a send's -Wait follows
        /// the messages first), so they still come out in input order.
        /// </summary>
        protected virtual bool HoldOutput => false;

        private readonly List<object> _held = new List<object>();

        /// <summary>The accepted results held so far, in input order.</summary>
        protected List<TResult> HeldResults => _held.OfType<TResult>().ToList();

        /// <summary>Writes what was held, results and errors in input order.</summary>
        protected void WriteHeld()
        {
            foreach (var item in _held)
            {
                if (item is ErrorRecord error) WriteError(error);
                else WriteObject(item);
            }
            _held.Clear();
        }

        private void WriteResult(TResult result)
        {
            if (HoldOutput) _held.Add(result);
            else WriteObject(result);
        }

        private void WriteRowError(ErrorRecord error)
        {
            if (HoldOutput) _held.Add(error);
            else WriteError(error);
        }

        /// <summary>The engine for this invocation; creating it resolves the key and opens the journal.</summary>
        internal BulkSender<TRequest, TResult> Engine
        {
            get
            {
                if (_engine != null) return _engine;
                var client = Client;
                var clock = client.Options.Clock;
                var pacer = RatePerSecond > 0 ? new RatePacer(RatePerSecond, clock) : null;
                var gate = new SendGate(clock, pacer);
                client.Options.Gate = gate;
                SendJournal? journal = null;
                if (JournalPath != null)
                {
                    var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(JournalPath);
                    var key = client.Options.ApiKey;
                    try
                    {
                        journal = SendJournal.Open(path, key.Redact);
                    }
                    catch (OctopodsException ex)
                    {
                        ThrowTerminating(ex, JournalPath);
                    }
                }
                try
                {
                    if (journal != null) DescribeJournal(journal);
                    _engine = new BulkSender<TRequest, TResult>(CreateOperation(), new BulkOptions
                    {
                        ThrottleLimit = ThrottleLimit,
                        ResendUnknown = ResendUnknown,
                    }, gate, journal);
                }
                catch
                {
                    // (A warning under -WarningAction Stop, say.) The journal holds its file exclusively:
                    // close it now, or every rerun in this session would find it busy.
                    journal?.Dispose();
                    throw;
                }
                WriteVerbose($"Bulk send: up to {ThrottleLimit} in flight" +
                             (pacer != null ? $", at most {RatePerSecond:0.###}/s (one every {pacer.Interval.TotalMilliseconds:0} ms)" : ", no pacing") +
                             (journal != null ? $", journal {journal.Path}." : ", no journal."));
                _clock.Start();
                return _engine;
            }
        }

        private void DescribeJournal(SendJournal journal)
        {
            if (journal.SkippedLines > 0)
                WriteWarning($"The journal {journal.Path} has {journal.SkippedLines} unreadable line(s) (a run killed while writing leaves one); they were skipped.");
            if (journal.Previous.Count == 0) return;
            int accepted = 0, failed = 0, unknown = 0;
            foreach (var entry in journal.Previous.Values)
            {
                if (entry.State == JournalState.Accepted) accepted++;
                else if (entry.State == JournalState.Failed) failed++;
                else unknown++;
            }
            WriteVerbose($"Resuming from the journal {journal.Path}: {accepted} row(s) accepted earlier (skipped), {failed} failed (sent again), " +
                         $"{unknown} unknown ({(ResendUnknown ? "sent again: -ResendUnknown" : "reported, not sent again")}).");
        }

        /// <summary>A row that failed validation: it still takes its place in the output order.</summary>
        internal void SubmitInvalid(OctopodsException error, object target)
        {
            if (_engine == null)
            {
                // Nothing is in flight yet, so writing it now keeps the order (and -WhatIf needs no key).
                _failedEarly++;
                WriteRowError(ErrorRecords.From(error, target));
                return;
            }
            Guard(() =>
            {
                WaitForRoom(_engine);
                _engine.SubmitFailed(default!, target, error);
                Drain(_engine);
            });
        }

        /// <summary>Hands a validated, confirmed row to the window (waiting while it is full).</summary>
        internal void SubmitRow(TRequest request, object target)
        {
            Guard(() =>
            {
                var engine = Engine;
                WaitForRoom(engine);
                engine.Submit(request, target, IdempotencyKey);
                Drain(engine);
            });
        }

        /// <summary>Waits for every row still in flight and writes the rest in order, then the summary.</summary>
        internal void FinishRows()
        {
            if (_engine == null)
            {
                if (_failedEarly > 0) WriteSummary(stopped: false);
                return;
            }
            var engine = _engine;
            Guard(() =>
            {
                while (!engine.IsEmpty)
                {
                    Drain(engine);
                    if (!engine.IsEmpty) Dispatcher.Pump(engine.WhenNextAsync(), StopToken);
                }
                Dispatcher.DrainQueued();
            });
            WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteSummary(stopped: false);
        }

        private void WaitForRoom(BulkSender<TRequest, TResult> engine)
        {
            while (true)
            {
                Drain(engine);
                if (engine.HasRoom) return;
                Dispatcher.Pump(engine.WhenReadyAsync(), StopToken);
            }
        }

        private void Drain(BulkSender<TRequest, TResult> engine)
        {
            Dispatcher.DrainQueued();
            while (engine.TryTake(out var row))
            {
                switch (row.Kind)
                {
                    case BulkRowKind.Sent:
                    case BulkRowKind.FromJournal:
                        WriteResult(row.Result!);
                        break;
                    case BulkRowKind.Failed:
                    case BulkRowKind.Unknown:
                        WriteRowError(ErrorRecords.From(row.Error!, row.State));
                        break;
                }
            }
            ShowProgress(engine, force: false);
        }

        private void ShowProgress(BulkSender<TRequest, TResult> engine, bool force)
        {
            var now = _clock.Elapsed;
            if (!force && _lastProgress.HasValue && now - _lastProgress.Value < ProgressEvery) return;
            _lastProgress = now;
            var c = engine.Counters;
            var done = c.Done + _failedEarly;
            var rate = now.TotalSeconds > 0.05 ? done / now.TotalSeconds : 0;
            var text = (TotalCount > 0 ? $"{done} of {TotalCount} row(s) done" : $"{done} row(s) done") +
                       $", {c.Errors + _failedEarly} error(s), {rate:0.#} rows/s, {engine.InFlight} in flight";
            if (c.FromJournal > 0) text += $", {c.FromJournal} from the journal";
            var pause = engine.Gate.PauseLeft;
            if (pause > TimeSpan.Zero) text += $"; rate-limited, resuming in {pause.TotalSeconds:0} s";
            var record = new ProgressRecord(ProgressId, ProgressActivity, text);
            if (TotalCount > 0)
            {
                record.PercentComplete = (int)Math.Min(100, done * 100L / TotalCount);
                if (rate > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, (TotalCount - done) / rate));
            }
            WriteProgress(record);
        }

        private BulkSummary Summary(bool stopped) => Summary(_engine, stopped);

        private BulkSummary Summary(BulkSender<TRequest, TResult>? engine, bool stopped)
        {
            var c = engine?.Counters;
            var rows = (c?.Submitted ?? 0) + _failedEarly;
            return new BulkSummary
            {
                Command = MyInvocation.MyCommand?.Name ?? GetType().Name,
                Rows = rows,
                Sent = c?.Sent ?? 0,
                Failed = (c?.Failed ?? 0) + _failedEarly,
                FromJournal = c?.FromJournal ?? 0,
                Unknown = c?.Unknown ?? 0,
                NotAttempted = c?.NotAttempted ?? 0,
                NotRead = stopped && TotalCount > 0 ? Math.Max(0, TotalCount - rows) : (long?)null,
                RateLimitPauses = engine?.Gate.Pauses ?? 0,
                Elapsed = _clock.Elapsed,
                Stopped = stopped,
                JournalPath = engine?.Journal?.Path,
            };
        }

        private static readonly string[] SummaryTags = { "Octopods", "Summary" };

        private void WriteSummary(bool stopped)
        {
            if (_summaryWritten) return;
            _summaryWritten = true;
            var summary = Summary(stopped);
            if (stopped) WriteWarning(summary.ToString());
            else WriteInformation(summary, SummaryTags);
        }

        /// <summary>Runs pipeline-side bulk work; Ctrl+C lets sends on the wire finish briefly, reports, and stops.</summary>
        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                HandleStop();
                throw new PipelineStoppedException();
            }
        }

        /// <summary>
        /// Runs other core work on the pipeline thread while sends may be in flight (a template lookup):
        /// Ctrl+C during it stops the engine and reports, as it does while the window is served.
        /// </summary>
        internal T RunGuarded<T>(Func<CancellationToken, System.Threading.Tasks.Task<T>> work)
        {
            try
            {
                return Run(work);
            }
            catch (PipelineStoppedException) when (StopToken.IsCancellationRequested)
            {
                HandleStop();
                throw;
            }
        }

        private void HandleStop()
        {
            _stopped = true;
            if (_engine == null) return;
            _engine.Stop();
            // Sends already on the wire get the engine's grace to finish, so their outcome is journaled.
            try { _engine.WaitAllDoneAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            // The streams are closed once the pipeline stops: Dispose reports through the host.
        }

        internal override void OnStopping() => _engine?.Stop();

        protected override void Dispose(bool disposing)
        {
            if (disposing) DisposeEngine();
            base.Dispose(disposing);
        }

        private void DisposeEngine()
        {
            var engine = _engine;
            if (engine == null) return;
            _engine = null;
            if (!engine.IsEmpty)
            {
                _stopped = true;
                engine.Stop();
                try { engine.WaitAllDoneAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            }
            if (_stopped && !_summaryWritten)
            {
                _summaryWritten = true;
                try
                {
                    // After Ctrl+C only the host can still be written to; it shows this as a warning.
                    Host?.UI?.WriteWarningLine(Summary(engine, stopped: true).ToString());
                }
                catch (Exception) { }
            }
            engine.Dispose();
        }
    }
}
