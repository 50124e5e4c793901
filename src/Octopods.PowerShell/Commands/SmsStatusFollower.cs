using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>-Wait for SMS: follows many message ids together (rounds polled concurrently, backing off), with its own progress line.</summary>
    internal static class SmsStatusFollower
    {
        private const int ProgressId = 0x0C70;

        public static IReadOnlyDictionary<string, PollOutcome<SmsStatus>> Wait(OctopodsApiCmdlet cmdlet, SmsApi api, IEnumerable<string> ids,
            bool pollFirst, double pollIntervalSeconds, int timeoutSeconds, int concurrency)
        {
            var clock = cmdlet.Client.Options.Clock;
            var options = new PollOptions
            {
                Interval = TimeSpan.FromSeconds(pollIntervalSeconds),
                Timeout = TimeSpan.FromSeconds(timeoutSeconds),
                MaxInterval = TimeSpan.FromSeconds(Math.Max(30, pollIntervalSeconds)),
                PollFirst = pollFirst,
                Concurrency = Math.Max(1, concurrency),
            };
            var outcomes = cmdlet.Run(ct => StatusPoller.WaitAsync(ids, api.GetStatusAsync, s => s.IsTerminal, options, clock,
                p => cmdlet.Dispatcher.Post(() => ShowProgress(cmdlet, p)), ct));
            cmdlet.WriteProgress(new ProgressRecord(ProgressId, "Waiting for SMS delivery", "Done") { RecordType = ProgressRecordType.Completed });
            return outcomes;
        }

        private static void ShowProgress(Cmdlet cmdlet, PollProgress progress)
        {
            if (progress.Settled >= progress.Total) return;
            var record = new ProgressRecord(ProgressId, "Waiting for SMS delivery",
                $"{progress.Settled} of {progress.Total} message(s) final; next check in {progress.NextPollIn.TotalSeconds:0.#} s")
            {
                PercentComplete = progress.Total == 0 ? 100 : 100 * progress.Settled / progress.Total,
                SecondsRemaining = (int)Math.Max(0, (progress.Timeout - progress.Elapsed).TotalSeconds),
            };
            cmdlet.WriteProgress(record);
        }

        public static void WarnTimedOut(Cmdlet cmdlet, ICollection<string> ids, int timeoutSeconds)
        {
            if (ids.Count == 0) return;
            var list = string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? ", …" : "");
            cmdlet.WriteWarning($"{ids.Count} message(s) had not reached a final status after {timeoutSeconds} s ({list}); their IsTerminal is False. " +
                                "Follow them later with: Get-OctopodsSmsStatus -MessageId <id> -Wait.");
        }
    }
}
