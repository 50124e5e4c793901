using System.Management.Automation;
using Octopods.Polling;
using Octopods.PowerShell.CommandBases;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The status of WhatsApp messages by id; pipe Send-OctopodsWhatsAppTemplate into it. -Wait follows them to a final status.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppStatus", HelpUri = HelpPages.Root + "Get-OctopodsWhatsAppStatus.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppStatus))]
    public sealed class GetOctopodsWhatsAppStatusCommand : StatusCmdlet<WhatsAppStatus>
    {
        private protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;
        protected override string SendCommand => "Send-OctopodsWhatsAppTemplate";

        private WhatsAppApi? _api;
        private protected override IStatusSource<WhatsAppStatus> Source => _api ??= new WhatsAppApi(Client);
    }
}
