using System.Collections.Generic;
using System.Management.Automation;
using Octopods.PowerShell.CommandBases;
using Octopods.Templates;
using Octopods.Viber;

namespace Octopods.PowerShell.Commands
{
    /// <summary>The accepted templates of the Viber Business Messages channel, with the number of placeholders per section.</summary>
    [Cmdlet(VerbsCommon.Get, "OctopodsViberTemplate", HelpUri = HelpPages.Root + "Get-OctopodsViberTemplate.md", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(MessageTemplate))]
    public sealed class GetOctopodsViberTemplateCommand : TemplateListCmdlet
    {
        private protected override OctopodsChannel Channel => OctopodsChannel.Viber;

        private ViberApi? _api;
        private ViberApi Api => _api ??= new ViberApi(Client);

        private protected override IReadOnlyList<MessageTemplate> List(TemplateQuery query)
        {
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
