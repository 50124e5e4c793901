using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.Errors;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one SMS per recipient of each input. Every parameter binds by property name, so Import-Csv rows with
    /// columns such as To/Phone and Message/Body pipe straight in. Bad rows become named errors and
    /// the run goes on; results come out in input order. Sends run through the core's bulk engine:
    /// -ThrottleLimit in flight, -RatePerSecond pacing, 429 pauses shared by all, -JournalPath resume.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsSms", HelpUri = HelpPages.Root + "Send-OctopodsSms.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SmsSendResult))]
    public sealed class SendOctopodsSmsCommand : SendCmdlet, IDynamicParameters
    {
        /// <summary>
        /// The recipients in E.164 (+14155552671); national formats need -DefaultRegion. Several numbers
        /// (an array, or one text separated by ';' or ',') are one message each.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("To", "Phone", "PhoneNumber", "Mobile", "destination_phone")]
        [AllowEmptyString, AllowNull, AllowEmptyCollection]
        public string[]? DestinationPhone { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Message", "Text")]
        [AllowEmptyString, AllowNull]
        public string? Body { get; set; }

        private readonly WaitParameters _wait = new WaitParameters();
        private BulkPipeline<SmsSendRequest, SmsSendResult>? _rows;
        private SmsApi? _api;

        /// <summary>-Wait (follow each message until it is Delivered, Failed or Undelivered, after every row is sent) and its companions.</summary>
        public object GetDynamicParameters() => _wait;

        private protected override OctopodsChannel Channel => OctopodsChannel.Sms;

        private protected override string ProgressActivity => "Sending SMS";

        private protected override bool HoldOutput => _wait.Wait;

        private SmsApi Api => _api ??= new SmsApi(Client);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _rows = StartRows<SmsSendRequest, SmsSendResult>();
        }

        protected override void ProcessRecord() => SubmitRecipients(_rows!, DestinationPhone, BuildRequest,
            request => request.DestinationPhone,
            request => $"Send SMS ({request.Segments.Segments} segment(s), {request.Segments.Encoding})",
            () => ChannelOperations.Sms(Api));

        /// <summary>One number's request; null when it became an error (submitted, so it keeps its place).</summary>
        private SmsSendRequest? BuildRequest(string number, object target)
        {
            try
            {
                return SmsSendRequest.Create(number, Body, DestinationUserName, OpenIntercomChoice, IntercomTeammateId, DefaultRegion);
            }
            catch (OctopodsException ex)
            {
                _rows!.SubmitInvalid(ex, target, CurrentOrigin, number);
                return null;
            }
        }

        protected override void EndProcessing()
        {
            _rows!.Finish();
            WriteDryRunTotal();
            if (!_wait.Wait) return;
            var sent = _rows.HeldResults.Where(r => r.MessageId.Length > 0).ToList();
            // Nothing sent (-WhatIf, every row rejected): nothing to follow, and no key is needed to say so.
            if (sent.Count > 0) new StatusFollower<SmsStatus>(Runtime, Api, Client.Options.Clock, _wait, ThrottleLimit).FollowSent(sent);
            _rows.WriteHeld();
        }
    }
}
