using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.Http;
using Octopods.PowerShell.CommandBases;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// The pipeline side of one bulk send, on the pipeline thread: feeds rows to the core's
    /// <see cref="BulkSender{TRequest, TResult}"/> and writes them back in input order, with progress and the summary.
    /// </summary>
    internal sealed class BulkPipeline<TRequest, TResult> : IDisposable where TResult : class
    {
        private const int ProgressId = 0x0C71;
        private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);
        private static readonly string[] SummaryTags = { "Octopods", "Summary" };

        private readonly OctopodsCmdlet _cmdlet;
        private readonly BulkPipelineSettings _settings;
        private readonly Time.IClock _clock;
        private readonly List<object> _held = new List<object>();
        private readonly Stopwatch _elapsed = new Stopwatch();
        private DateTimeOffset _startedAt;
        private BulkSender<TRequest, TResult>? _engine;
        private TimeSpan? _lastProgress;
        private int _failedEarly;
        private bool _summaryWritten;
        private bool _stopped;
        private bool _downstreamDone;   // a command after this one (Select-Object -First) needs no more

        public BulkPipeline(OctopodsCmdlet cmdlet, BulkPipelineSettings settings, Time.IClock clock)
        {
            _cmdlet = cmdlet;
            _settings = settings;
            _clock = clock;
            _startedAt = clock.UtcNow;   // Start sets it again; a run that never starts (every row refused) took no time
            Gate = new SendGate(clock, settings.RatePerSecond > 0 ? new RatePacer(settings.RatePerSecond, clock) : null);
        }

        /// <summary>The run's shared 429 pause and pacer: the command's client takes its turn here before each attempt.</summary>
        public SendGate Gate { get; }

        /// <summary>The accepted results held for -Wait so far, in input order.</summary>
        public List<TResult> HeldResults => _held.OfType<TResult>().ToList();

        /// <summary>
        /// Starts the engine: opens the journal and takes the send operation. Explicit, and only at the
        /// first row to send, so a dry run or a run of bad rows needs no key and writes no journal.
        /// </summary>
        public void Start(BulkOperation<TRequest, TResult> operation)
        {
            if (_engine != null) return;
            SendJournal? journal = null;
            if (_settings.JournalPath != null)
            {
                try
                {
                    journal = SendJournal.Open(_settings.JournalPath, new JournalOptions { Clock = _clock });
                }
                catch (OctopodsException ex)
                {
                    _cmdlet.ThrowTerminating(ex, _settings.JournalPath);
                }
            }
            try
            {
                if (journal != null) DescribeJournal(journal);
                _engine = new BulkSender<TRequest, TResult>(operation, new BulkOptions
                {
                    ThrottleLimit = _settings.ThrottleLimit,
                    ResendUnknown = _settings.ResendUnknown,
                }, Gate, journal);
            }
            catch
            {
                // (A warning under -WarningAction Stop, say.) The journal holds its file exclusively:
                // close it now, or every rerun in this session would find it busy.
                journal?.Dispose();
                throw;
            }
            _cmdlet.WriteVerbose($"Bulk send: up to {_settings.ThrottleLimit} in flight" +
                                 (Gate.Pacer != null ? $", at most {_settings.RatePerSecond:0.###}/s (one every {Gate.Pacer.Interval.TotalMilliseconds:0} ms)" : ", no pacing") +
                                 (journal != null ? $", journal {journal.Path}." : ", no journal."));
            _elapsed.Start();
            _startedAt = _clock.UtcNow;
        }

        private void DescribeJournal(SendJournal journal)
        {
            if (journal.SkippedLines > 0 && journal.OnlyTornLines)
                _cmdlet.WriteVerbose($"The journal {journal.Path} has {journal.SkippedLines} line(s) cut short by a run stopped while writing; skipped.");
            else if (journal.SkippedLines > 0)
                _cmdlet.WriteWarning($"The journal {journal.Path} has {journal.SkippedLines} unreadable line(s), skipped; if the file was edited, the rows they recorded count as not sent.");
            if (journal.Previous.Count == 0) return;
            int accepted = 0, failed = 0, unknown = 0;
            foreach (var entry in journal.Previous.Values)
            {
                if (entry.State == JournalState.Accepted) accepted++;
                else if (entry.State == JournalState.Failed) failed++;
                else unknown++;
            }
            _cmdlet.WriteVerbose($"Resuming from the journal {journal.Path}: {accepted} row(s) accepted earlier (skipped), {failed} failed (sent again), " +
                                 $"{unknown} unknown ({(_settings.ResendUnknown ? "sent again: -ResendUnknown" : "reported, not sent again")}).");
        }

        /// <summary>A row that failed validation: it still takes its place in the output order.</summary>
        public void SubmitInvalid(OctopodsException error, object target)
        {
            if (_engine == null)
            {
                // Nothing is in flight yet, so writing it now keeps the order (and -WhatIf needs no key).
                _failedEarly++;
                WriteRowError(ErrorRecords.From(error, target));
                return;
            }
            var engine = _engine;
            Guard(() =>
            {
                WaitForRoom(engine);
                engine.SubmitFailed(default!, target, error);
                Drain(engine);
            });
        }

        /// <summary>Hands a validated, confirmed row to the window (waiting while it is full). <see cref="Start"/> first.</summary>
        public void Submit(TRequest request, object target, string? idempotencyKey)
        {
            var engine = _engine ?? throw new InvalidOperationException("Start the bulk pipeline before submitting rows.");
            Guard(() =>
            {
                WaitForRoom(engine);
                engine.Submit(request, target, idempotencyKey);
                Drain(engine);
            });
        }

        /// <summary>Waits for every row still in flight and writes the rest in order, then the summary.</summary>
        public void Finish()
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
                    if (!engine.IsEmpty) _cmdlet.Dispatcher.Pump(engine.WhenNextAsync(), _cmdlet.StopToken);
                }
                _cmdlet.Dispatcher.DrainQueued();
            });
            _cmdlet.WriteProgress(new ProgressRecord(ProgressId, _settings.Activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteSummary(stopped: false);
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
            var engine = _engine;
            if (engine == null)
            {
                Gate.Dispose();
                return;
            }
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
                try
                {
                    // After Ctrl+C only the host can still be written to; it shows this as a warning.
                    _cmdlet.Host?.UI?.WriteWarningLine(Summary(engine, stopped: true).ToString());
                }
                catch (Exception) { }
            }
            engine.Dispose();   // the journal and the gate with it
        }

        private void WriteResult(TResult result)
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

        private void WaitForRoom(BulkSender<TRequest, TResult> engine)
        {
            while (true)
            {
                Drain(engine);
                if (engine.HasRoom) return;
                _cmdlet.Dispatcher.Pump(engine.WhenReadyAsync(), _cmdlet.StopToken);
            }
        }

        private void Drain(BulkSender<TRequest, TResult> engine)
        {
            _cmdlet.Dispatcher.DrainQueued();
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
            ShowProgress(engine);
        }

        private void ShowProgress(BulkSender<TRequest, TResult> engine)
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
            var pause = Gate.PauseLeft;
            if (pause > TimeSpan.Zero) text += $"; rate-limited, resuming in {pause.TotalSeconds:0} s";
            var record = new ProgressRecord(ProgressId, _settings.Activity, text);
            if (total > 0)
            {
                record.PercentComplete = (int)Math.Min(100, done * 100L / total);
                if (rate > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Max(0, (total - done) / rate));
            }
            _cmdlet.WriteProgress(record);
        }

        private BulkSummary Summary(BulkSender<TRequest, TResult>? engine, bool stopped)
        {
            var c = engine?.Counters;
            var rows = (c?.Submitted ?? 0) + _failedEarly;
            return new BulkSummary
            {
                Command = _cmdlet.MyInvocation.MyCommand?.Name ?? _cmdlet.GetType().Name,
                Rows = rows,
                Sent = c?.Sent ?? 0,
                Failed = (c?.Failed ?? 0) + _failedEarly,
                FromJournal = c?.FromJournal ?? 0,
                Unknown = c?.Unknown ?? 0,
                NotAttempted = c?.NotAttempted ?? 0,
                NotRead = stopped && _settings.TotalCount > 0 ? Math.Max(0, _settings.TotalCount - rows) : (long?)null,
                RateLimitPauses = Gate.Pauses,
                LearnedRatePerSecond = Gate.LearnedRatePerSecond,
                // The run's time as its clock kept it: in the sandbox, the sandbox's time, so a
                // paced run reports the rate it was paced to; for real, the monotonic stopwatch.
                Elapsed = _clock is Time.SystemClock ? _elapsed.Elapsed : _clock.UtcNow - _startedAt,
                Stopped = stopped,
                JournalPath = engine?.Journal?.Path,
            };
        }

        private void WriteSummary(bool stopped)
        {
            if (_summaryWritten) return;
            _summaryWritten = true;
            var summary = Summary(_engine, stopped);
            if (stopped) _cmdlet.WriteWarning(summary.ToString());
            else _cmdlet.WriteInformation(summary, SummaryTags);
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
