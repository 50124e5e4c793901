using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The SMS status command's -Wait: follow many message ids together, with a progress bar.</summary>
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

        private SmsApi? _api;

        /// <summary>The SMS endpoints; first use resolves the key, so touch it on the pipeline thread before any Run.</summary>
        internal SmsApi Api => _api ??= new SmsApi(Client);

        private StatusFollower Follower => StatusFollower.ForSms(this, TimeoutSeconds, PollIntervalSeconds, concurrency: 4);

        internal IReadOnlyDictionary<string, PollOutcome<SmsStatus>> WaitForStatuses(IEnumerable<string> ids, bool pollFirst) =>
            Follower.Wait(Api, ids, pollFirst);

        internal void WarnTimedOut(ICollection<string> ids) => Follower.WarnTimedOut(ids);
    }
}
