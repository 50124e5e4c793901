using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;
using Octopods.Polling;
using Octopods.Templates;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The status of WhatsApp messages by id; pipe Send-OctopodsWhatsAppTemplate into it. -Wait follows them to a final status.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppStatus", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppStatus))]
    public sealed class GetOctopodsWhatsAppStatusCommand : StatusCmdlet<WhatsAppStatus>
    {
        protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;
        protected override string SendCommand => "Send-OctopodsWhatsAppTemplate";

        private WhatsAppApi? _api;
        private protected override IStatusSource<WhatsAppStatus> Source => _api ??= new WhatsAppApi(Client);
    }

    /// <summary>The most recent messages this WhatsApp key sent through the API. A key that never sent gives nothing, not an error.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppMessage", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppMessage))]
    public sealed class GetOctopodsWhatsAppMessageCommand : OctopodsApiCmdlet
    {
        protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;

        /// <summary>How many of the most recent messages, 1 to 100 (the service's maximum; there is no paging).</summary>
        [Parameter(Position = 0)]
        [ValidateRange(1, WhatsAppApi.MaxListLimit)]
        public int Limit { get; set; } = WhatsAppApi.MaxListLimit;

        protected override void EndProcessing()
        {
            var api = new WhatsAppApi(Client);
            try
            {
                var messages = Run(ct => api.GetMessagesAsync(Limit, ct));
                if (messages.Count == 0) WriteVerbose("No messages: this WhatsApp key has not sent any through the API.");
                foreach (var message in messages) WriteObject(message);
            }
            catch (OctopodsException ex)
            {
                WriteError(ex, Limit);
            }
        }
    }

    /// <summary>The templates of the WhatsApp Business Account, with the number of placeholders per section.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppTemplate", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(MessageTemplate))]
    public sealed class GetOctopodsWhatsAppTemplateCommand : TemplateListCmdlet
    {
        protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;

        /// <summary>Only templates in this status.</summary>
        [Parameter]
        [ValidateSet(TemplateStatuses.Pending, TemplateStatuses.UnderReview, TemplateStatuses.NeedsModification,
            TemplateStatuses.Rejected, TemplateStatuses.Accepted, TemplateStatuses.Deleted, IgnoreCase = true)]
        public string? Status { get; set; }

        private WhatsAppApi? _api;
        private WhatsAppApi Api => _api ??= new WhatsAppApi(Client);

        protected override IReadOnlyList<MessageTemplate> List(TemplateQuery query)
        {
            query.Status = Status;
            var api = Api;
            return Run(ct => api.GetTemplatesAsync(query, ct));
        }

        protected override MessageTemplate One(string templateId)
        {
            var api = Api;
            return Run(ct => api.GetTemplateAsync(templateId, ct));
        }
    }

    /// <summary>What the template listings share: -TemplateId for single templates, else the filters.</summary>
    public abstract class TemplateListCmdlet : OctopodsApiCmdlet
    {
        /// <summary>One or more template ids; without it, every template that matches the filters.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("template_id")]
        [ArgumentCompleter(typeof(TemplateIdCompleter))]
        public string[]? TemplateId { get; set; }

        /// <summary>Only active (-Active) or inactive (-Active:$false) templates.</summary>
        [Parameter]
        public SwitchParameter Active { get; set; }

        /// <summary>Only templates in this language; en matches en_GB and en_US.</summary>
        [Parameter]
        [Alias("lang")]
        [ValidateNotNullOrEmpty]
        public string? Language { get; set; }

        protected abstract IReadOnlyList<MessageTemplate> List(TemplateQuery query);
        protected abstract MessageTemplate One(string templateId);

        private bool _listed;

        protected override void ProcessRecord()
        {
            if (TemplateId == null || TemplateId.Length == 0) return;
            _listed = true;
            foreach (var id in TemplateId)
            {
                try
                {
                    WriteObject(One(id));
                }
                catch (OctopodsException ex)
                {
                    WriteError(ex, id);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_listed) return;
            var query = new TemplateQuery
            {
                Active = MyInvocation.BoundParameters.ContainsKey(nameof(Active)) ? Active.IsPresent : (bool?)null,
                Language = Language,
            };
            try
            {
                foreach (var template in List(query)) WriteObject(template);
            }
            catch (OctopodsException ex)
            {
                WriteError(ex, null);
            }
        }
    }
}
