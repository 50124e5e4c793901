using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// The pipeline side of one bulk send, on the pipeline thread: feeds rows to the core's
    /// <see cref="BulkRun{TRequest, TResult}"/> (which owns everything else: journal, gate, pacer,
    /// window) and writes them back in input order, with progress and the summary.
    /// </summary>
    internal sealed class BulkPipeline<TRequest, TResult> : IDisposable where TResult : class
    {
        private const int ProgressId = 0x0C71;
        private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);
        private static readonly string[] SummaryTags = { "Octopods", "Summary" };

        private readonly ICommandOutput _cmdlet;
        private readonly BulkPipelineSettings _settings;
        private readonly Time.IClock _clock;
        private readonly List<object> _held = new List<object>();
        private readonly Stopwatch _elapsed = new Stopwatch();
        private BulkRun<TRequest, TResult>? _engine;
        private TimeSpan? _lastProgress;
        private int _failedEarly;
        private bool _summaryWritten;
        private bool _stopped;
        private bool _downstreamDone;   // a command after this one (Select-Object -First) needs no more
        private bool _outageReported;
        private IDisposable? _termination;
        private int _unkeptAtStart;   // sends the sandbox could not keep before this run
        // Rows refused before the run started (no journal yet): journaled once it opens, or at the end.
        private readonly List<RefusedRow> _refusedBeforeStart = new List<RefusedRow>();
        private bool _refusedOverflow;

        /// <summary>At most this many refusals wait for the journal to open (a run whose every row is bad is one mistake, and memory is bounded).</summary>
        private const int MaxRefusedBeforeStart = 50000;

        public BulkPipeline(ICommandOutput cmdlet, BulkPipelineSettings settings, Time.IClock clock)
        {
            _cmdlet = cmdlet;
            _settings = settings;
            _clock = clock;
        }

        /// <summary>True once a row was handed to the run (something may have been sent).</summary>
        public bool Started => _engine != null;

        /// <summary>The accepted results held for -Wait so far, in input order.</summary>
        public List<TResult> HeldResults => _held.Select(item => item is PSObject wrapped ? wrapped.BaseObject : item).OfType<TResult>().ToList();

        /// <summary>
        /// Starts the run: opens the journal and takes the send operation. Explicit, and only at the
        /// first row to send, so a dry run or a run of bad rows needs no key and writes no journal.
        /// </summary>
        public void Start(Func<BulkOperation<TRequest, TResult>> operation)
        {
            if (_engine != null) return;
            BulkRun<TRequest, TResult> run;
            try
            {
                run = BulkRun<TRequest, TResult>.Start(operation(), new BulkRunOptions
                {
                    ThrottleLimit = _settings.ThrottleLimit,
                    RatePerSecond = _settings.RatePerSecond,
                    JournalPath = _settings.JournalPath,
                    ResendUnknown = _settings.ResendUnknown,
                    AllowDuplicates = _settings.AllowDuplicates,
                    StopOnFailure = _settings.StopOnFailure,
                    Target = _settings.Target(),
                    AcceptOtherTarget = _settings.AcceptOtherTarget,
                    RowRule = _settings.RowRule(),
                    Clock = _clock,
                });
            }
            catch (OctopodsException ex)
            {
                _cmdlet.ThrowTerminating(ex, _settings.JournalPath);
                throw;
            }
            try
            {
                if (run.Resume != null) DescribeResume(run.Journal!.Path, run.Resume);
            }
            catch
            {
                // (A warning under -WarningAction Stop, say.) The journal holds its file exclusively:
                // close it now, or every rerun in this session would find it busy.
                run.Dispose();
                throw;
            }
            _engine = run;
            run.RecordRefused(_refusedBeforeStart);
            _refusedBeforeStart.Clear();
            _unkeptAtStart = _settings.SandboxStoreFailures().Count;
            _termination = ProcessTermination.Register(() => Terminate(run));
            _cmdlet.WriteVerbose($"Bulk send: up to {_settings.ThrottleLimit} in flight" +
                                 (run.PacingInterval is { } interval ? $", at most {_settings.RatePerSecond:0.###}/s (one every {interval.TotalMilliseconds:0} ms)" : ", no pacing") +
                                 (run.Journal != null ? $", journal {run.Journal.Path}." : ", no journal."));
            _elapsed.Start();
        }

        /// <summary>
        /// The process was asked to end (SIGTERM) while the run was sending: no send starts any more,
        /// the sends on the wire get the time Ctrl+C gives them so their answers reach the journal (not
        /// left unknown), the journal records the stop, and the summary goes to standard error (no
        /// host is left to show it). Runs on the signal's thread; the process ends when it returns.
        /// </summary>
        private void Terminate(BulkRun<TRequest, TResult> engine)
        {
            try
            {
                var recorded = engine.StopBecause("terminated", "the process was asked to end (SIGTERM)",
                    "The run stopped because the process was asked to end (SIGTERM); the rows on the wire were given time to finish.");
                engine.WaitAllDoneAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
                recorded.Wait(TimeSpan.FromSeconds(1));
                // Every record queued by now (the rows not attempted too) is written whole before the process ends.
                engine.Journal?.Dispose();
                Console.Error.WriteLine(Summary(engine, stopped: true).ToString());
            }
            catch (Exception)
            {
                // Whatever failed here, on the signal's thread, the process ends as asked.
            }
        }

        private void DescribeResume(string path, ResumeCounts resume)
        {
            if (resume.SkippedLines > 0 && resume.OnlyTornLines)
                _cmdlet.WriteVerbose($"The journal {path} has {resume.SkippedLines} line(s) cut short by a run stopped while writing; skipped.");
            else if (resume.SkippedLines > 0)
                _cmdlet.WriteWarning($"The journal {path} has {resume.SkippedLines} unreadable line(s), skipped; if the file was edited, the rows they recorded count as not sent.");
            if (!resume.Any) return;
            _cmdlet.WriteVerbose($"Resuming from the journal {path}: {resume.Accepted} row(s) accepted earlier (skipped), {resume.Failed} failed (sent again), " +
                                 $"{resume.Unknown} unknown ({(_settings.ResendUnknown ? "sent again: -ResendUnknown" : "reported, not sent again")}).");
        }

        /// <summary>
        /// A row that failed validation: it still takes its place in the output order, and the journal
        /// records it as refused. <paramref name="destination"/>: the number as the row gave it.
        /// </summary>
        public void SubmitInvalid(OctopodsException error, object target, RowOrigin origin, string? destination)
        {
            if (_engine == null)
            {
                // Nothing is in flight yet, so writing it now keeps the order (and -WhatIf needs no key).
                _failedEarly++;
                if (_settings.JournalPath != null && !_settings.DryRun)
                {
                    if (_refusedBeforeStart.Count < MaxRefusedBeforeStart) _refusedBeforeStart.Add(new RefusedRow(error, origin, destination));
                    else if (!_refusedOverflow)
                    {
                        _refusedOverflow = true;
                        _cmdlet.WriteWarning($"{MaxRefusedBeforeStart} rows were refused before any row could be sent; the journal records only those, not the rows refused after them. " +
                            "The errors written here name every row. Check the input's columns: so many bad rows in a row is usually one mistake.");
                    }
                }
                WriteRowError(ErrorRecords.From(error.ForRow(origin.Describe(), origin.Number), target));
                return;
            }
            var engine = _engine;
            Guard(() =>
            {
                WaitForRoom(engine);
                engine.SubmitFailed(target, error, origin, destination);
                Drain(engine);
            });
        }

        /// <summary>
        /// Hands a validated, confirmed row to the window (waiting while it is full). <see cref="Start"/> first.
        /// <paramref name="refusal"/>: why it may not be sent (an opted-out number), decided after the journal.
        /// </summary>
        public void Submit(TRequest request, object target, string? idempotencyKey, RowOrigin origin, OctopodsException? refusal = null)
        {
            var engine = _engine ?? throw new InvalidOperationException("Start the bulk pipeline before submitting rows.");
            Guard(() =>
            {
                WaitForRoom(engine);
                engine.Submit(request, target, idempotencyKey, origin, refusal);
                Drain(engine);
            });
        }

        /// <summary>
        /// A run that never started (every row refused) still journals its rows at its end, so the report
        /// lists them. Not when the command stopped instead (a terminating error, Ctrl+C, a journal the run
        /// was refused): such a command said "nothing was sent", and writes nothing.
        /// </summary>
        private void JournalRefusedOnly()
        {
            if (_engine != null || _refusedBeforeStart.Count == 0 || _settings.JournalPath == null) return;
            var rows = _refusedBeforeStart.ToList();
            _refusedBeforeStart.Clear();
            try
            {
                BulkRun<TRequest, TResult>.JournalRefusedOnly(_settings.JournalPath, _settings.Channel, _clock, rows);
            }
            catch (OctopodsException ex)
            {
                _cmdlet.WriteWarning($"The {rows.Count} refused row(s) could not be recorded in the journal: {ex.Message}");
            }
        }

        /// <summary>Waits for every row still in flight and writes the rest in order, then the summary.</summary>
        public void Finish()
        {
            if (_engine == null)
            {
                JournalRefusedOnly();
                if (_failedEarly > 0) WriteSummary(stopped: false);
                return;
            }
            var engine = _engine;
            Guard(() =>
            {
                while (!engine.IsEmpty)
                {
                    Drain(engine);
                    if (!engine.IsEmpty) _cmdlet.Dispatcher.Pump(engine.WhenNextAsync(), _cmdlet.StopToken);
                }
                _cmdlet.Dispatcher.DrainQueued();
            });
            ReportKeyRefused(engine);
            _cmdlet.WriteProgress(new ProgressRecord(ProgressId, _settings.Activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteSummary(stopped: false);
            var unkept = _settings.SandboxStoreFailures();
            if (unkept.Count > _unkeptAtStart)
                _cmdlet.WriteWarning($"The sandbox accepted {unkept.Count - _unkeptAtStart} of these messages but could not keep them in its file ({unkept.Latest}): " +
                    "another session will not find them. Check OCTOPODS_SANDBOX_PATH and the disk, then Connect-Octopods -Sandbox again.");
            // The run's sends are done: from here (a -Wait) a SIGTERM ends the process as usual.
            _termination?.Dispose();
            _termination = null;
        }

        /// <summary>Writes what was held for -Wait, results and errors in input order.</summary>
        public void WriteHeld()
        {
            foreach (var item in _held)
            {
                if (item is ErrorRecord error) _cmdlet.WriteError(error);
                else Emit(item);
            }
            _held.Clear();
        }

        /// <summary>
        /// Runs other core work on the pipeline thread while sends may be in flight (a template lookup):
        /// Ctrl+C during it stops the engine and reports, as it does while the window is served.
        /// </summary>
        public T RunGuarded<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return _cmdlet.Run(work);
            }
            catch (PipelineStoppedException) when (_cmdlet.StopToken.IsCancellationRequested)
            {
                HandleStop();
                throw;
            }
        }

        /// <summary>Ctrl+C, on the stopping thread: no send starts any more (writes nothing).</summary>
        public void Stop() => _engine?.Stop();

        public void Dispose()
        {
            _termination?.Dispose();
            _termination = null;
            var engine = _engine;
            if (engine == null) return;
            _engine = null;
            if (!engine.IsEmpty)
            {
                _stopped = true;
                engine.Stop();
                try { engine.WaitAllDoneAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            }
            var quiet = _downstreamDone && !_cmdlet.StopToken.IsCancellationRequested;
            if (_stopped && !_summaryWritten && !quiet)
            {
                _summaryWritten = true;
                // After Ctrl+C only the host can still be written to; it shows this as a warning.
                _cmdlet.WarnThroughHost(Summary(engine, stopped: true).ToString());
            }
            engine.Dispose();   // the journal and the gate with it
        }

        private void WriteResult(object result)
        {
            if (_settings.HoldOutput) _held.Add(result);
            else Emit(result);
        }

        /// <summary>
        /// Writes a result; when a later command has all it wants (Select-Object -First), the run ends
        /// quietly: no row more is attempted, the rows on the wire are journaled, and no warning is shown.
        /// </summary>
        private void Emit(object item)
        {
            try
            {
                _cmdlet.WriteObject(item);
            }
            catch (PipelineStoppedException) when (!_cmdlet.StopToken.IsCancellationRequested)
            {
                // Not Ctrl+C (that stops this command first): a later command needs no more. Dispose
                // checks again, since Ctrl+C can stop the pipeline a moment before it stops this command.
                _downstreamDone = true;
                throw;
            }
        }

        private void WriteRowError(ErrorRecord error)
        {
            if (_settings.HoldOutput) _held.Add(error);
            else _cmdlet.WriteError(error);
        }

        private void WaitForRoom(BulkRun<TRequest, TResult> engine)
        {
            while (true)
            {
                Drain(engine);
                if (engine.HasRoom) return;
                _cmdlet.Dispatcher.Pump(engine.WhenReadyAsync(), _cmdlet.StopToken);
            }
        }

        private void Drain(BulkRun<TRequest, TResult> engine)
        {
            _cmdlet.Dispatcher.DrainQueued();
            if (!_outageReported && engine.StopKind == BulkSender<TRequest, TResult>.OutageStop && engine.StopReason is { } reason)
            {
                // One error for the run, at once: every row after it is not attempted, and says nothing more.
                _outageReported = true;
                WriteRowError(ErrorRecords.From(new OctopodsException(ErrorNames.ServiceOutage, OctopodsErrorKind.ServerError,
                    $"The run stopped itself: {reason}; no row after this was attempted",
                    "Nothing more was sent. Run the same command again later with the same -JournalPath: the rows not attempted are sent then. " +
                    "Rows that were on the wire when it failed are unknown: check them, and send them again only with -ResendUnknown."), null));
            }

            while (engine.TryTake(out var row))
            {
                switch (row.Kind)
                {
                    case BulkRowKind.Sent:
                    case BulkRowKind.FromJournal:
                        WriteResult(TrackedColumns.Attach(row.Result!, row.Origin));
                        break;
                    case BulkRowKind.Failed:
                    case BulkRowKind.Unknown:
                    case BulkRowKind.Duplicate:
                        WriteRowError(ErrorRecords.From(row.Error!.ForRow(row.Origin.Describe(), row.Origin.Number), row.State));
                        break;
                }
            }
            ShowProgress(engine);
        }

        /// <summary>
        /// A refused key spoils every row: after the rows' own errors (the refusal itself, and those on the
        /// wire with it), one error for the rows not attempted, not one per row.
        /// </summary>
        private void ReportKeyRefused(BulkRun<TRequest, TResult> engine)
        {
            if (engine.StopKind != BulkSender<TRequest, TResult>.KeyRefusedStop || !(engine.StopReason is { } reason) || engine.Counters.NotAttempted == 0) return;
            WriteRowError(ErrorRecords.From(new OctopodsException(ErrorNames.KeyRefusedStop, OctopodsErrorKind.Authentication,
                $"The run stopped itself: {reason}; the {engine.Counters.NotAttempted} row(s) after it were not attempted",
                "Nothing was sent with that key. Give the channel's current key (Connect-Octopods, or the secret the command reads), " +
                "then run the same command again with the same -JournalPath: the rows not attempted are sent then."), null));
        }

        private void ShowProgress(BulkRun<TRequest, TResult> engine)
        {
            var now = _elapsed.Elapsed;
            if (_lastProgress.HasValue && now - _lastProgress.Value < ProgressEvery) return;
            _lastProgress = now;
            var c = engine.Counters;
            var done = c.Done + _failedEarly;
            var rate = now.TotalSeconds > 0.05 ? done / now.TotalSeconds : 0;
            var total = _settings.TotalCount;
            // Counted in messages: a row listing several numbers is one message (and one outcome) per number.
            var text = (total > 0 ? $"{done} of {total} message(s) done" : $"{done} message(s) done") +
                       $", {c.Errors + _failedEarly} error(s), {rate:0.#} messages/s, {engine.InFlight} in flight";
            if (c.FromJournal > 0) text += $", {c.FromJournal} from the journal";
            var pause = engine.PauseLeft;
            if (pause > TimeSpan.Zero) text += $"; rate-limited, resuming in {pause.TotalSeconds:0} s";
            var record = new ProgressRecord(ProgressId, _settings.Activity, text);
            if (total > 0)
            {
                record.PercentComplete = (int)Math.Min(100, done * 100L / total);
                if (rate > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, (total - done) / rate));
            }
            _cmdlet.WriteProgress(record);
        }

        private BulkSummary Summary(BulkRun<TRequest, TResult>? engine, bool stopped) =>
            engine == null
                ? BulkRun<TRequest, TResult>.RefusedOnly(_cmdlet.CommandName, _failedEarly, stopped, _settings.TotalCount)
                : engine.Summary(_cmdlet.CommandName, _failedEarly, stopped, _settings.TotalCount);

        private void WriteSummary(bool stopped)
        {
            if (_summaryWritten) return;
            _summaryWritten = true;
            var summary = Summary(_engine, stopped);
            if (stopped) _cmdlet.WriteWarning(summary.ToString());
            else
            {
                _cmdlet.WriteInformation(summary, SummaryTags);
                // Rows sent whose outcome the journal lost (a full disk): the journal alone would say "unknown".
                if (summary.NotJournaled > 0)
                    _cmdlet.WriteWarning($"The journal {summary.JournalPath} could not record the outcome of {summary.NotJournaled} row(s): a resume reports them as unknown " +
                        "and does not send them. The results this run wrote say what became of them; keep them.");
            }
        }

        /// <summary>Runs pipeline-side bulk work; Ctrl+C lets sends on the wire finish briefly, reports, and stops.</summary>
        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (OperationCanceledException) when (_cmdlet.StopToken.IsCancellationRequested)
            {
                HandleStop();
                throw new PipelineStoppedException();
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
    }
}
