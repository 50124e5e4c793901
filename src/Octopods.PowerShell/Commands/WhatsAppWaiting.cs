using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.Infrastructure;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// -Wait for the WhatsApp commands: follow many message ids together with a progress bar, until
    /// Delivered, Read, Failed or Deleted (Unknown is polled again). The SMS commands' SmsWaitingCmdlet,
    /// as a helper because the WhatsApp send already derives from the template send base.
    /// </summary>
    internal sealed class WhatsAppWaiting
    {
        private const int ProgressId = 0x0C72;   // not the bulk send's bar (0x0C71)
        private const string Activity = "Waiting for WhatsApp delivery";
        private readonly OctopodsApiCmdlet _cmdlet;
        private readonly int _timeoutSeconds;
        private readonly double _pollIntervalSeconds;
        private readonly int _concurrency;

        public WhatsAppWaiting(OctopodsApiCmdlet cmdlet, int timeoutSeconds, double pollIntervalSeconds, int concurrency = 1)
        {
            _cmdlet = cmdlet;
            _timeoutSeconds = timeoutSeconds;
            _pollIntervalSeconds = pollIntervalSeconds;
            _concurrency = Math.Max(1, concurrency);
        }

        public IReadOnlyDictionary<string, PollOutcome<WhatsAppStatus>> Wait(WhatsAppApi api, IEnumerable<string> ids, bool pollFirst)
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
            var outcomes = _cmdlet.Run(ct => StatusPoller.WaitAsync(ids, api.GetStatusAsync, s => s.IsTerminal, options, clock,
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

        public void WarnTimedOut(ICollection<string> ids)
        {
            if (ids.Count == 0) return;
            var list = string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? ", …" : "");
            _cmdlet.WriteWarning($"{ids.Count} message(s) had not reached a final status after {_timeoutSeconds} s ({list}); their IsTerminal is False. " +
                                 "Follow them later with: Get-OctopodsWhatsAppStatus -MessageId <id> -Wait.");
        }
    }
}
