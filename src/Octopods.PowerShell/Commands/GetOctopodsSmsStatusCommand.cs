using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The status of SMS messages by id; pipe Send-OctopodsSms into it. -Wait follows them to a final status.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsSmsStatus", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SmsStatus))]
    public sealed class GetOctopodsSmsStatusCommand : SmsWaitingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("message_id", "Id")]
        [AllowEmptyString]
        public string[] MessageId { get; set; } = new string[0];

        private readonly List<string> _waiting = new List<string>();

        protected override void ProcessRecord()
        {
            foreach (var id in MessageId)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    WriteError(new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                        "The message id is empty", "Pass the MessageId that Send-OctopodsSms returned."), id);
                    continue;
                }
                if (Wait)
                {
                    _waiting.Add(id.Trim());
                    continue;
                }
                try
                {
                    var api = Api;
                    WriteObject(Run(ct => api.GetStatusAsync(id, ct)));
                }
                catch (OctopodsException ex)
                {
                    WriteError(ex, id);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_waiting.Count == 0) return;
            var outcomes = WaitForStatuses(_waiting, pollFirst: true);
            var timedOut = new List<string>();
            foreach (var id in _waiting)
            {
                var outcome = outcomes[id];
                if (outcome.Error != null) WriteError(outcome.Error, id);
                else if (outcome.Last != null)
                {
                    if (outcome.TimedOut) timedOut.Add(id);
                    WriteObject(outcome.Last);
                }
                else
                {
                    WriteError(new OctopodsException(ErrorNames.Timeout, OctopodsErrorKind.Timeout,
                        $"No status could be read for message {id} within {TimeoutSeconds} s", "Check the network and try again."), id);
                }
            }
            WarnTimedOut(timedOut);
        }
    }

    /// <summary>Offline: how a body is encoded and how many segments it is billed as.</summary>
    [Cmdlet(VerbsDiagnostic.Measure, "OctopodsSms")]
    [OutputType(typeof(SmsSegmentInfo))]
    public sealed class MeasureOctopodsSmsCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Message", "Text")]
        [AllowEmptyString]
        public string Body { get; set; } = "";

        protected override void ProcessRecord() => WriteObject(SmsSegments.Measure(Body));
    }
}
