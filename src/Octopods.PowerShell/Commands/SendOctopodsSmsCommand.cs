using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one SMS per input. Every parameter binds by property name, so Import-Csv rows with
    /// columns such as To/Phone and Message/Body pipe straight in. Bad rows become named errors and
    /// the run goes on; results come out in input order.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsSms", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SmsSendResult))]
    public sealed class SendOctopodsSmsCommand : SmsWaitingCmdlet
    {
        /// <summary>The recipient in E.164 (+14155552671); national formats need -DefaultRegion.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("To", "Phone", "PhoneNumber", "Mobile", "destination_phone")]
        [AllowEmptyString, AllowNull]
        public string? DestinationPhone { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Message", "Text")]
        [AllowEmptyString, AllowNull]
        public string? Body { get; set; }

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

        /// <summary>The pipeline object itself, so errors can name the row they came from.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        // With -Wait, results and errors are held until the end so they still come out in input order.
        private readonly List<object> _ordered = new List<object>();

        protected override void ProcessRecord()
        {
            object target = InputObject ?? (object?)DestinationPhone ?? "";
            SmsSendRequest request;
            try
            {
                request = SmsSendRequest.Create(DestinationPhone, Body, DestinationUserName,
                    MyInvocation.BoundParameters.ContainsKey(nameof(OpenIntercomConversation)) ? OpenIntercomConversation.IsPresent : (bool?)null,
                    IntercomTeammateId, DefaultRegion);
            }
            catch (OctopodsException ex)
            {
                Emit(ErrorRecords.From(ex, target));
                return;
            }

            var action = $"Send SMS ({request.Segments.Segments} segment(s), {request.Segments.Encoding})";
            // -Force skips the prompt, never a dry run: -WhatIf, typed or inherited through $WhatIfPreference, still wins.
            if (!((Force && !WhatIfInEffect) || ShouldProcess(request.DestinationPhone, action))) return;

            try
            {
                var api = Api;
                var result = Run(ct => api.SendAsync(request, ct));
                Emit(result);
            }
            catch (OctopodsException ex)
            {
                Emit(ErrorRecords.From(ex, target));
            }
        }

        protected override void EndProcessing()
        {
            if (!Wait) return;
            var sent = _ordered.OfType<SmsSendResult>().ToList();
            if (sent.Count > 0)
            {
                var outcomes = WaitForStatuses(sent.Select(r => r.MessageId), pollFirst: false);
                var timedOut = new List<string>();
                foreach (var result in sent)
                {
                    var outcome = outcomes[result.MessageId];
                    if (outcome.Last != null) result.Apply(outcome.Last);
                    if (outcome.Error != null)
                        WriteWarning($"Message {result.MessageId} was sent, but following it failed: {outcome.Error.Message}");
                    else if (outcome.TimedOut) timedOut.Add(result.MessageId);
                }
                WarnTimedOut(timedOut);
            }
            foreach (var item in _ordered)
            {
                if (item is ErrorRecord error) WriteError(error);
                else WriteObject(item);
            }
            _ordered.Clear();
        }

        private void Emit(object item)
        {
            if (Wait) _ordered.Add(item);
            else if (item is ErrorRecord error) WriteError(error);
            else WriteObject(item);
        }
    }
}
