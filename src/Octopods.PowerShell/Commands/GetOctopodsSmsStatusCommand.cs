using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.CommandBases;
using Octopods.Sms;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The status of SMS messages by id; pipe Send-OctopodsSms into it. -Wait follows them to a final status.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsSmsStatus", HelpUri = HelpPages.Root + "Get-OctopodsSmsStatus.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(SmsStatus))]
    public sealed class GetOctopodsSmsStatusCommand : StatusCmdlet<SmsStatus>
    {
        private protected override OctopodsChannel Channel => OctopodsChannel.Sms;
        protected override string SendCommand => "Send-OctopodsSms";

        private SmsApi? _api;
        private protected override IStatusSource<SmsStatus> Source => _api ??= new SmsApi(Client);
    }
}
