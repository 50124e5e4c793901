using System.Collections.Generic;
using System.Management.Automation;
using Octopods.Errors;
using Octopods.PowerShell.Completers;
using Octopods.Templates;

namespace Octopods.PowerShell.CommandBases
{
    /// <summary>What the template listings share: -TemplateId for single templates, else the filters.</summary>
    public abstract class TemplateListCmdlet : OctopodsApiCmdlet
    {
        /// <summary>The channel whose key the command resolves at BeginProcessing.</summary>
        private protected abstract OctopodsChannel Channel { get; }

        private protected sealed override OctopodsChannel? KeyChannel => Channel;

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

        private protected abstract IReadOnlyList<MessageTemplate> List(TemplateQuery query);
        private protected abstract MessageTemplate One(string templateId);

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
                    Runtime.WriteError(ex, id);
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
                Runtime.WriteError(ex, null);
            }
        }
    }
}
