using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one WhatsApp template message per input. Variables come from parameters, from named
    /// columns of the piped rows (-BodyVariableProperty FirstName,OrderId), or raw (-Variables). Bad
    /// rows become named errors and the run goes on; results come out in input order. Sends run
    /// through the core's bulk engine, as Send-OctopodsSms does: -ThrottleLimit, -RatePerSecond,
    /// shared 429 pauses, -JournalPath resume; -Wait follows journaled messages too.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsWhatsAppTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppSendResult))]
    public sealed class SendOctopodsWhatsAppTemplateCommand : TemplateSendCmdlet<WhatsAppSendResult>, IDynamicParameters
    {
        protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? ButtonVariable { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? ButtonVariableProperty { get; set; }

        /// <summary>The image, video or document of a media header: a publicly reachable URL.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("header_attachment_url")]
        public string? HeaderAttachmentUrl { get; set; }

        private readonly WaitParameters _wait = new WaitParameters();

        /// <summary>-Wait (follow each message until it is Delivered, Read, Failed or Deleted) and its companions.</summary>
        public object GetDynamicParameters() => _wait;

        protected override string? HeaderUrl => HeaderAttachmentUrl;

        protected override string[]? ButtonValues(PSObject? row) =>
            Section(ButtonVariable, ButtonVariableProperty, nameof(ButtonVariable), row);

        private WhatsAppApi? _api;
        internal WhatsAppApi Api => _api ??= new WhatsAppApi(Client);

        internal override ITemplateSource TemplateSource => Api;

        protected override string ProgressActivity => "Sending WhatsApp templates";

        private protected override BulkOperation<TemplateSendRequest, WhatsAppSendResult> CreateOperation() => ChannelOperations.WhatsApp(Api);

        protected override bool HoldOutput => _wait.Wait;

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (!_wait.Wait) return;
            var sent = HeldResults.Where(r => r.MessageId.Length > 0).ToList();
            // Nothing sent (-WhatIf, every row rejected): nothing to follow, and no key is needed to say so.
            if (sent.Count > 0) new StatusFollower<WhatsAppStatus>(this, Api, Client.Options.Clock, _wait, ThrottleLimit).FollowSent(sent);
            WriteHeld();
        }
    }
}
