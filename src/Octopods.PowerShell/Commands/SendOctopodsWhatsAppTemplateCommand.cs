using System.Linq;
using System.Management.Automation;
using Octopods.Bulk;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one WhatsApp template message per input. Variables come from parameters, from named
    /// columns of the piped rows (-BodyVariableProperty FirstName,OrderId), or raw (-Variables). Bad
    /// rows become named errors and the run goes on; results come out in input order. Sends run
    /// through the core's bulk run, as Send-OctopodsSms does: -ThrottleLimit, -RatePerSecond,
    /// shared 429 pauses, -JournalPath resume; -Wait follows journaled messages too. The template
    /// parameters are declared here and on Send-OctopodsViberTemplate (PowerShell shares parameters
    /// only by inheritance); what they mean is <see cref="TemplateRows"/>'s.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsWhatsAppTemplate", HelpUri = HelpPages.Root + "Send-OctopodsWhatsAppTemplate.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppSendResult))]
    public sealed class SendOctopodsWhatsAppTemplateCommand : SendCmdlet, IDynamicParameters, ITemplateVariableParameters
    {
        /// <summary>The template to send (its id is in the request path). Only accepted templates can be sent.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("template_id")]
        [ArgumentCompleter(typeof(TemplateIdCompleter))]
        [AllowEmptyString, AllowNull]
        public string? TemplateId { get; set; }

        /// <summary>
        /// The recipients in E.164 (+14155552671); national formats need -DefaultRegion. Several numbers
        /// (an array, or one text separated by ';' or ',') are one message each.
        /// </summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("To", "Phone", "PhoneNumber", "Mobile", "destination_phone")]
        [AllowEmptyString, AllowNull, AllowEmptyCollection]
        public string[]? DestinationPhone { get; set; }

        /// <summary>The body's variables, in placeholder order. Alone, they are sent as the plain list body-only templates take.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? BodyVariable { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? HeaderVariable { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection, AllowEmptyString]
        public string[]? FooterVariable { get; set; }

        /// <summary>Names of the piped object's properties (CSV columns) whose values, in order, are the body variables.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? BodyVariableProperty { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? HeaderVariableProperty { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? FooterVariableProperty { get; set; }

        /// <summary>message_variables passed through unchanged: an array, a hashtable (sections or a {"1": …} map) or JSON text.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("message_variables")]
        public object? Variables { get; set; }

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
        private BulkPipeline<TemplateSendRequest, WhatsAppSendResult>? _rows;
        private TemplateRows? _templates;
        private WhatsAppApi? _api;

        /// <summary>-Wait (follow each message until it is Delivered, Read, Failed or Deleted) and its companions.</summary>
        public object GetDynamicParameters() => _wait;

        private protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;

        private protected override string ProgressActivity => "Sending WhatsApp templates";

        private protected override bool HoldOutput => _wait.Wait;

        internal WhatsAppApi Api => _api ??= new WhatsAppApi(Client);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _rows = StartRows<TemplateSendRequest, WhatsAppSendResult>();
            _templates = new TemplateRows(Channel, this, () => Api);
        }

        // Building and checking run here, on the pipeline thread; only the POST goes through the run.
        protected override void ProcessRecord() => SubmitRecipients(_rows!, DestinationPhone,
            (number, target) => BuildTemplateRequest(_rows!, _templates!, TemplateId, number, target, HeaderAttachmentUrl),
            request => request.DestinationPhone,
            request => $"Send {Channel} template {request.TemplateId} ({request.Variables})",
            () => ChannelOperations.WhatsApp(Api));

        private protected override Errors.OctopodsException? MissingColumns(PSObject? row) => _templates?.MissingColumns(row);

        protected override void EndProcessing()
        {
            _rows!.Finish();
            WriteDryRunTotal();
            if (!_wait.Wait) return;
            var sent = _rows.HeldResults.Where(r => r.MessageId.Length > 0).ToList();
            // Nothing sent (-WhatIf, every row rejected): nothing to follow, and no key is needed to say so.
            if (sent.Count > 0) new StatusFollower<WhatsAppStatus>(Runtime, Api, Client.Options.Clock, _wait, ThrottleLimit).FollowSent(sent);
            _rows.WriteHeld();
        }
    }
}
