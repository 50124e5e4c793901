using System.Management.Automation;
using Octopods.Bulk;
using Octopods.PowerShell.CommandBases;
using Octopods.PowerShell.Completers;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;
using Octopods.Viber;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one Viber Business Message template per input, like Send-OctopodsWhatsAppTemplate but
    /// with an image header URL and no button variables. Sends run through the core's bulk run
    /// (-ThrottleLimit, -RatePerSecond, -JournalPath resume). VBM has no status endpoint, so there is no -Wait.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsViberTemplate", HelpUri = HelpPages.Root + "Send-OctopodsViberTemplate.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(ViberSendResult))]
    public sealed class SendOctopodsViberTemplateCommand : SendCmdlet, ITemplateVariableParameters
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

        /// <summary>The image of an image header: a publicly reachable URL.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("header_image_url")]
        public string? HeaderImageUrl { get; set; }

        // VBM templates have no buttons.
        string[]? ITemplateVariableParameters.ButtonVariable => null;
        string[]? ITemplateVariableParameters.ButtonVariableProperty => null;

        private BulkPipeline<TemplateSendRequest, ViberSendResult>? _rows;
        private TemplateRows? _templates;
        private ViberApi? _api;

        private protected override OctopodsChannel Channel => OctopodsChannel.Viber;

        private protected override string ProgressActivity => "Sending Viber templates";

        internal ViberApi Api => _api ??= new ViberApi(Client);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _rows = StartRows<TemplateSendRequest, ViberSendResult>();
            _templates = new TemplateRows(Channel, this, () => Api);
        }

        // Building and checking run here, on the pipeline thread; only the POST goes through the run.
        protected override void ProcessRecord() => SubmitRecipients(_rows!, DestinationPhone,
            (number, target) => BuildTemplateRequest(_rows!, _templates!, TemplateId, number, target, HeaderImageUrl),
            request => request.DestinationPhone,
            request => $"Send {Channel} template {request.TemplateId} ({request.Variables})",
            () => ChannelOperations.Viber(Api));

        /// <summary>Waits for the rows still in flight and writes them in order, then the summary.</summary>
        private protected override Errors.OctopodsException? MissingColumns(PSObject? row) => _templates?.MissingColumns(row);

        protected override void EndProcessing()
        {
            _rows!.Finish();
            WriteDryRunTotal();
        }
    }
}
