using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Polling;
using Octopods.Sms;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>
    /// -Wait for every command that follows messages (SMS and WhatsApp, send and status): many ids
    /// polled together in rounds, backing off, with their own progress bar, and one warning naming the
    /// messages still moving at the timeout.
    /// </summary>
    internal sealed class StatusFollower
    {
        private readonly OctopodsApiCmdlet _cmdlet;
        private readonly int _progressId;
        private readonly string _activity;
        private readonly string _followUpCommand;
        private readonly int _timeoutSeconds;
        private readonly double _pollIntervalSeconds;
        private readonly int _concurrency;

        private StatusFollower(OctopodsApiCmdlet cmdlet, int progressId, string activity, string followUpCommand,
            int timeoutSeconds, double pollIntervalSeconds, int concurrency)
        {
            _cmdlet = cmdlet;
            _progressId = progressId;
            _activity = activity;
            _followUpCommand = followUpCommand;
            _timeoutSeconds = timeoutSeconds;
            _pollIntervalSeconds = pollIntervalSeconds;
            _concurrency = Math.Max(1, concurrency);
        }

        // Progress ids: not the bulk send's bar (0x0C71), so both can show at once.
        public static StatusFollower ForSms(OctopodsApiCmdlet cmdlet, int timeoutSeconds, double pollIntervalSeconds, int concurrency) =>
            new StatusFollower(cmdlet, 0x0C70, "Waiting for SMS delivery", "Get-OctopodsSmsStatus", timeoutSeconds, pollIntervalSeconds, concurrency);

        public static StatusFollower ForWhatsApp(OctopodsApiCmdlet cmdlet, int timeoutSeconds, double pollIntervalSeconds, int concurrency) =>
            new StatusFollower(cmdlet, 0x0C72, "Waiting for WhatsApp delivery", "Get-OctopodsWhatsAppStatus", timeoutSeconds, pollIntervalSeconds, concurrency);

        private IReadOnlyDictionary<string, PollOutcome<SmsStatus>> Wait(SmsApi api, IEnumerable<string> ids, bool pollFirst) =>
            Wait(ids, api.GetStatusAsync, s => s.IsTerminal, pollFirst);

        private IReadOnlyDictionary<string, PollOutcome<WhatsAppStatus>> Wait(WhatsAppApi api, IEnumerable<string> ids, bool pollFirst) =>
            Wait(ids, api.GetStatusAsync, s => s.IsTerminal, pollFirst);

        /// <summary>
        /// A send command's -Wait: follows its accepted results and updates each with its last status;
        /// rows from the journal may have settled long ago, so then the first look comes before any pause.
        /// </summary>
        public void FollowSent(IReadOnlyList<SmsSendResult> sent, SmsApi api) =>
            FollowSent(sent, r => r.MessageId, r => r.FromJournal, (ids, pollFirst) => Wait(api, ids, pollFirst), (r, s) => r.Apply(s));

        /// <inheritdoc cref="FollowSent(IReadOnlyList{SmsSendResult}, SmsApi)"/>
        public void FollowSent(IReadOnlyList<WhatsAppSendResult> sent, WhatsAppApi api) =>
            FollowSent(sent, r => r.MessageId, r => r.FromJournal, (ids, pollFirst) => Wait(api, ids, pollFirst), (r, s) => r.Apply(s));

        /// <summary>
        /// A status command's -Wait: follows the ids it was given and writes each one's last status or
        /// error in input order, with the error of an unusable id (empty) kept in its place.
        /// </summary>
        public void FollowGiven(IReadOnlyList<(string Id, OctopodsException? Error)> given, SmsApi api) =>
            FollowGiven(given, ids => Wait(api, ids, pollFirst: true));

        /// <inheritdoc cref="FollowGiven(IReadOnlyList{ValueTuple{string, OctopodsException}}, SmsApi)"/>
        public void FollowGiven(IReadOnlyList<(string Id, OctopodsException? Error)> given, WhatsAppApi api) =>
            FollowGiven(given, ids => Wait(api, ids, pollFirst: true));

        private void FollowGiven<TStatus>(IReadOnlyList<(string Id, OctopodsException? Error)> given,
            Func<IReadOnlyList<string>, IReadOnlyDictionary<string, PollOutcome<TStatus>>> wait) where TStatus : class
        {
            var ids = given.Where(g => g.Error == null).Select(g => g.Id).ToList();
            var outcomes = ids.Count > 0 ? wait(ids) : new Dictionary<string, PollOutcome<TStatus>>();
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
                        $"No status could be read for message {id} within {_timeoutSeconds} s", "Check the network and try again."), id);
                }
            }
            WarnTimedOut(timedOut);
        }

        private void FollowSent<TResult, TStatus>(IReadOnlyList<TResult> sent, Func<TResult, string> id, Func<TResult, bool> fromJournal,
            Func<IEnumerable<string>, bool, IReadOnlyDictionary<string, PollOutcome<TStatus>>> wait, Action<TResult, TStatus> apply) where TStatus : class
        {
            if (sent.Count == 0) return;
            var outcomes = wait(sent.Select(id), sent.Any(fromJournal));
            var timedOut = new List<string>();
            foreach (var result in sent)
            {
                var outcome = outcomes[id(result)];
                if (outcome.Last != null) apply(result, outcome.Last);
                if (outcome.Error != null)
                    _cmdlet.WriteWarning($"Message {id(result)} was sent, but following it failed: {outcome.Error.Message}");
                else if (outcome.TimedOut) timedOut.Add(id(result));
            }
            WarnTimedOut(timedOut);
        }

        private IReadOnlyDictionary<string, PollOutcome<T>> Wait<T>(IEnumerable<string> ids, Func<string, CancellationToken, Task<T>> fetch,
            Func<T, bool> isTerminal, bool pollFirst) where T : class
        {
            var clock = _cmdlet.Client.Options.Clock;
            var options = new PollOptions
            {
                Interval = TimeSpan.FromSeconds(_pollIntervalSeconds),
                Timeout = TimeSpan.FromSeconds(_timeoutSeconds),
                MaxInterval = TimeSpan.FromSeconds(Math.Max(30, _pollIntervalSeconds)),
                PollFirst = pollFirst,
                Concurrency = _concurrency,
            };
            var outcomes = _cmdlet.Run(ct => StatusPoller.WaitAsync(ids, fetch, isTerminal, options, clock,
                p => _cmdlet.Dispatcher.Post(() => ShowProgress(p)), ct));
            _cmdlet.WriteProgress(new ProgressRecord(_progressId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            return outcomes;
        }

        private void ShowProgress(PollProgress progress)
        {
            if (progress.Settled >= progress.Total) return;
            _cmdlet.WriteProgress(new ProgressRecord(_progressId, _activity,
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
            _cmdlet.WriteWarning($"{ids.Count} message(s) had not reached a final status after {_timeoutSeconds} s ({list}); their IsTerminal is False. " +
                                 $"Follow them later with: {_followUpCommand} -MessageId <id> -Wait.");
        }
    }
}
