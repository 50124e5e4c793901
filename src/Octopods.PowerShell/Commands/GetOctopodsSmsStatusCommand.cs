using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;
using Octopods.Polling;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The status of SMS messages by id; pipe Send-OctopodsSms into it. -Wait follows them to a final status.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsSmsStatus", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SmsStatus))]
    public sealed class GetOctopodsSmsStatusCommand : StatusCmdlet<SmsStatus>
    {
        protected override OctopodsChannel Channel => OctopodsChannel.Sms;
        protected override string SendCommand => "Send-OctopodsSms";

        private SmsApi? _api;
        private protected override IStatusSource<SmsStatus> Source => _api ??= new SmsApi(Client);
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
