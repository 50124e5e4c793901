using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.PowerShell.Infrastructure;
using Octopods.Templates;
using Octopods.WhatsApp;

namespace Octopods.PowerShell.Commands
{
    /// <summary>
    /// Sends one WhatsApp template message per input. Variables come from parameters, from named
    /// columns of the piped rows (-BodyVariableProperty FirstName,OrderId), or raw (-Variables). Bad
    /// rows become named errors and the run goes on; results come out in input order.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "OctopodsWhatsAppTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(WhatsAppSendResult))]
    public sealed class SendOctopodsWhatsAppTemplateCommand : TemplateSendCmdlet
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

        /// <summary>Follow each message until it is Delivered, Read, Failed or Deleted.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollIntervalSeconds { get; set; } = 2;

        protected override string? HeaderUrl => HeaderAttachmentUrl;

        protected override string[]? ButtonValues(PSObject? row) =>
            Section(ButtonVariable, ButtonVariableProperty, nameof(ButtonVariable), row);

        private WhatsAppApi? _api;
        internal WhatsAppApi Api => _api ??= new WhatsAppApi(Client);

        internal override Task<MessageTemplate> FetchTemplateAsync(string templateId, CancellationToken cancellationToken) =>
            Api.GetTemplateAsync(templateId, cancellationToken);

        internal override void SendRequest(TemplateSendRequest request, object target)
        {
            try
            {
                var api = Api;
                Emit(Run(ct => api.SendAsync(request, ct)));
            }
            catch (OctopodsException ex)
            {
                Emit(ErrorRecords.From(ex, target));
            }
        }

        // With -Wait, results and errors are held until the end so they still come out in input order.
        private readonly List<object> _ordered = new List<object>();

        internal override void Emit(object item)
        {
            if (Wait) _ordered.Add(item);
            else base.Emit(item);
        }

        protected override void EndProcessing()
        {
            if (!Wait) return;
            var sent = _ordered.OfType<WhatsAppSendResult>().ToList();
            if (sent.Count > 0)
            {
                var waiting = new WhatsAppWaiting(this, TimeoutSeconds, PollIntervalSeconds);
                var outcomes = waiting.Wait(Api, sent.Select(r => r.MessageId), pollFirst: false);
                var timedOut = new List<string>();
                foreach (var result in sent)
                {
                    var outcome = outcomes[result.MessageId];
                    if (outcome.Last != null) result.Apply(outcome.Last);
                    if (outcome.Error != null)
                        WriteWarning($"Message {result.MessageId} was sent, but following it failed: {outcome.Error.Message}");
                    else if (outcome.TimedOut) timedOut.Add(result.MessageId);
                }
                waiting.WarnTimedOut(timedOut);
            }
            foreach (var item in _ordered) base.Emit(item);
            _ordered.Clear();
        }
    }
}
