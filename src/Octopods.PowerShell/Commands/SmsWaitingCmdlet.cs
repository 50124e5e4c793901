using System;
using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The SMS commands' shared -Wait: follow many message ids together, with a progress bar.</summary>
    public abstract class SmsWaitingCmdlet : OctopodsApiCmdlet
    {
        protected override OctopodsChannel Channel => OctopodsChannel.Sms;

        /// <summary>Follow each message until it is Delivered, Failed or Undelivered.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>How long -Wait follows the messages before giving up on those still moving.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>The first pause before polling; later pauses grow by half each time, up to 30 s.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSeconds { get; set; } = 2;

        private const int ProgressId = 0x0C70;
        private SmsApi? _api;

        /// <summary>The SMS endpoints; first use resolves the key, so touch it on the pipeline thread before any Run.</summary>
        internal SmsApi Api => _api ??= new SmsApi(Client);

        internal IReadOnlyDictionary<string, PollOutcome<SmsStatus>> WaitForStatuses(IEnumerable<string> ids, bool pollFirst)
        {
            var api = Api;
            var clock = Client.Options.Clock;
            var options = new PollOptions
            {
                Interval = TimeSpan.FromSeconds(PollIntervalSeconds),
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxInterval = TimeSpan.FromSeconds(Math.Max(30, PollIntervalSeconds)),
                PollFirst = pollFirst,
            };
            var outcomes = Run(ct => StatusPoller.WaitAsync(ids, api.GetStatusAsync, s => s.IsTerminal, options, clock,
                p => Dispatcher.Post(() => ShowProgress(p)), ct));
            var done = new ProgressRecord(ProgressId, "Waiting for SMS delivery", "Done") { RecordType = ProgressRecordType.Completed };
            WriteProgress(done);
            return outcomes;
        }

        private void ShowProgress(PollProgress progress)
        {
            if (progress.Settled >= progress.Total) return;
            var record = new ProgressRecord(ProgressId, "Waiting for SMS delivery",
                $"{progress.Settled} of {progress.Total} message(s) final; next check in {progress.NextPollIn.TotalSeconds:0.#} s")
            {
                PercentComplete = progress.Total == 0 ? 100 : 100 * progress.Settled / progress.Total,
                SecondsRemaining = (int)Math.Max(0, (progress.Timeout - progress.Elapsed).TotalSeconds),
            };
            WriteProgress(record);
        }

        internal void WarnTimedOut(ICollection<string> ids)
        {
            if (ids.Count == 0) return;
            var list = string.Join(", ", System.Linq.Enumerable.Take(ids, 10)) + (ids.Count > 10 ? ", …" : "");
            WriteWarning($"{ids.Count} message(s) had not reached a final status after {TimeoutSeconds} s ({list}); their IsTerminal is False. " +
                         "Follow them later with: Get-OctopodsSmsStatus -MessageId <id> -Wait.");
        }
    }
}
