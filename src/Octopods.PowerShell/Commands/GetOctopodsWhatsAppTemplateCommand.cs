using System.Collections.Generic;
using System.Management.Automation;
using Octopods.PowerShell.CommandBases;
using Octopods.Templates;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The templates of the WhatsApp Business Account, with the number of placeholders per section.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsWhatsAppTemplate", HelpUri = HelpPages.Root + "Get-OctopodsWhatsAppTemplate.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(MessageTemplate))]
    public sealed class GetOctopodsWhatsAppTemplateCommand : TemplateListCmdlet
    {
        private protected override OctopodsChannel Channel => OctopodsChannel.WhatsApp;

        /// <summary>Only templates in this status.</summary>
        [Parameter]
        [ValidateSet(TemplateStatuses.Pending, TemplateStatuses.UnderReview, TemplateStatuses.NeedsModification,
            TemplateStatuses.Rejected, TemplateStatuses.Accepted, TemplateStatuses.Deleted, IgnoreCase = true)]
        public string? Status { get; set; }

        private WhatsAppApi? _api;
        private WhatsAppApi Api => _api ??= new WhatsAppApi(Client);

        private protected override IReadOnlyList<MessageTemplate> List(TemplateQuery query)
        {
            query.Status = Status;
            var api = Api;
            return Runtime.Run(ct => api.GetTemplatesAsync(query, ct));
        }

        private protected override MessageTemplate One(string templateId)
        {
            var api = Api;
            return Runtime.Run(ct => api.GetTemplateAsync(templateId, ct));
        }
    }
}
