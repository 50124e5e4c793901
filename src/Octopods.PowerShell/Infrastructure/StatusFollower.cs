using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.Polling;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// -Wait for every command that follows messages, whatever the channel, send or status: many ids
    /// polled together in rounds (at most ThrottleLimit at once), backing off, with their own progress
    /// bar, and one warning naming the messages still moving at the timeout.
    /// </summary>
    internal sealed class StatusFollower<TStatus> where TStatus : class
    {
        private readonly ICommandOutput _cmdlet;
        private readonly IStatusSource<TStatus> _source;
        private readonly Time.IClock _clock;
        private readonly WaitParameters _wait;
        private readonly int _concurrency;

        public StatusFollower(ICommandOutput cmdlet, IStatusSource<TStatus> source, Time.IClock clock, WaitParameters wait, int concurrency)
        {
            _cmdlet = cmdlet;
            _source = source;
            _clock = clock;
            _wait = wait;
            _concurrency = Math.Max(1, concurrency);
        }

        // Not the bulk send's bar (0x0C71), so both can show at once.
        private int ProgressId => _source.Channel == OctopodsChannel.Sms ? 0x0C70 : 0x0C72;
        private string Activity => _source.Channel == OctopodsChannel.Sms ? "Waiting for SMS delivery" : $"Waiting for {_source.Channel} delivery";
        private string FollowUpCommand => $"Get-Octopods{_source.Channel}Status";

        /// <summary>
        /// A send command's -Wait: follows its accepted results and updates each with its last status;
        /// rows from the journal may have settled long ago, so then the first look comes before any pause.
        /// </summary>
        public void FollowSent<TResult>(IReadOnlyList<TResult> sent) where TResult : IFollowedMessage<TStatus>
        {
            if (sent.Count == 0) return;
            var outcomes = Poll(sent.Select(r => r.MessageId), sent.Any(r => r.FromJournal));
            var timedOut = new List<string>();
            foreach (var result in sent)
            {
                var outcome = outcomes[result.MessageId];
                if (outcome.Last != null) result.Apply(outcome.Last);
                if (outcome.Error != null)
                    _cmdlet.WriteWarning($"Message {result.MessageId} was sent, but following it failed: {outcome.Error.Message}");
                else if (outcome.TimedOut) timedOut.Add(result.MessageId);
            }
            WarnTimedOut(timedOut);
        }

        /// <summary>
        /// A status command's -Wait: follows the ids it was given and writes each one's last status or
        /// error in input order, with the error of an unusable id (empty) kept in its place.
        /// </summary>
        public void FollowGiven(IReadOnlyList<(string Id, OctopodsException? Error)> given)
        {
            var ids = given.Where(g => g.Error == null).Select(g => g.Id).ToList();
            var outcomes = ids.Count > 0 ? Poll(ids, pollFirst: true) : new Dictionary<string, PollOutcome<TStatus>>();
            var timedOut = new List<string>();
            foreach (var (id, error) in given)
            {
                var outcome = error == null ? outcomes[id] : null;
                if (error != null) _cmdlet.WriteError(error, id);
                else if (outcome!.Error != null) _cmdlet.WriteError(outcome.Error, id);
                else if (outcome.Last != null)
                {
                    if (outcome.TimedOut) timedOut.Add(id);
                    _cmdlet.WriteObject(outcome.Last);
                }
                else
                {
                    _cmdlet.WriteError(new OctopodsException(ErrorNames.Timeout, OctopodsErrorKind.Timeout,
                        $"No status could be read for message {id} within {_wait.TimeoutSeconds} s", "Check the network and try again."), id);
                }
            }
            WarnTimedOut(timedOut);
        }

        private IReadOnlyDictionary<string, PollOutcome<TStatus>> Poll(IEnumerable<string> ids, bool pollFirst)
        {
            var clock = _clock;
            var options = new PollOptions
            {
                Interval = TimeSpan.FromSeconds(_wait.PollIntervalSeconds),
                Timeout = TimeSpan.FromSeconds(_wait.TimeoutSeconds),
                MaxInterval = TimeSpan.FromSeconds(Math.Max(30, _wait.PollIntervalSeconds)),
                PollFirst = pollFirst,
                Concurrency = _concurrency,
            };
            var source = _source;
            var outcomes = _cmdlet.Run(ct => StatusPoller.WaitAsync(ids, source.GetStatusAsync, source.IsFinal, options, clock,
                p => _cmdlet.Dispatcher.Post(() => ShowProgress(p)), ct));
            _cmdlet.WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            return outcomes;
        }

        private void ShowProgress(PollProgress progress)
        {
            if (progress.Settled >= progress.Total) return;
            _cmdlet.WriteProgress(new ProgressRecord(ProgressId, Activity,
                $"{progress.Settled} of {progress.Total} message(s) final; next check in {progress.NextPollIn.TotalSeconds:0.#} s")
            {
                PercentComplete = progress.Total == 0 ? 100 : 100 * progress.Settled / progress.Total,
                SecondsRemaining = (int)Math.Max(0, (progress.Timeout - progress.Elapsed).TotalSeconds),
            });
        }

        private void WarnTimedOut(List<string> ids)
        {
            if (ids.Count == 0) return;
            var list = string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? ", …" : "");
            _cmdlet.WriteWarning($"{ids.Count} message(s) had not reached a final status after {_wait.TimeoutSeconds} s ({list}); their IsTerminal is False. " +
                                 $"Follow them later with: {FollowUpCommand} -MessageId <id> -Wait.");
        }
    }
}
