using System.Management.Automation;
using Octopods.Bulk;
using Octopods.PowerShell.CommandBases;
using Octopods.Templates;
using Octopods.Viber;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one Viber Business Message template per input, like Send-OctopodsWhatsAppTemplate but
    /// with an image header URL and no button variables. Sends run through the core's bulk engine
    /// (-ThrottleLimit, -RatePerSecond, -JournalPath resume). VBM has no status endpoint, so there is no -Wait.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsViberTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(ViberSendResult))]
    public sealed class SendOctopodsViberTemplateCommand : TemplateSendCmdlet<ViberSendResult>
    {
        protected override OctopodsChannel Channel => OctopodsChannel.Viber;

        /// <summary>The image of an image header: a publicly reachable URL.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("header_image_url")]
        public string? HeaderImageUrl { get; set; }

        protected override string? HeaderUrl => HeaderImageUrl;

        private ViberApi? _api;
        internal ViberApi Api => _api ??= new ViberApi(Client);

        internal override ITemplateSource TemplateSource => Api;

        protected override string ProgressActivity => "Sending Viber templates";

        private protected override BulkOperation<TemplateSendRequest, ViberSendResult> CreateOperation() => ChannelOperations.Viber(Api);
    }
}
