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
    public sealed class GetOctopodsSmsStatusCommand : OctopodsApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("message_id", "Id")]
        [AllowEmptyString]
        public string[] MessageId { get; set; } = new string[0];

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

        protected override OctopodsChannel Channel => OctopodsChannel.Sms;

        private SmsApi? _api;
        private SmsApi Api => _api ??= new SmsApi(Client);

        // With -Wait, ids and empty-id errors are held together so everything comes out in input order.
        private readonly List<(string Id, OctopodsException? Error)> _waiting = new List<(string, OctopodsException?)>();

        protected override void ProcessRecord()
        {
            foreach (var id in MessageId)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    var missing = new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                        "The message id is empty", "Pass the MessageId that Send-OctopodsSms returned.");
                    if (Wait) _waiting.Add((id ?? "", missing));
                    else WriteError(missing, id);
                    continue;
                }
                if (Wait)
                {
                    _waiting.Add((id.Trim(), null));
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
            StatusFollower.ForSms(this, TimeoutSeconds, PollIntervalSeconds, concurrency: 4).FollowGiven(_waiting, Api);
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
