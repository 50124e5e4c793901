using System.Management.Automation;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>Offline: how a body is encoded and how many segments it is billed as.</summary>
    [Cmdlet(VerbsDiagnostic.Measure, "OctopodsSms", HelpUri = HelpPages.Root + "Measure-OctopodsSms.md")]
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
