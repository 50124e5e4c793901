using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Http;

namespace Octopods.Templates
{
    /// <summary>
    /// What the WhatsApp and Viber (VBM) APIs share: the template send and the template reads,
    /// under api/v1/{family}/. Each channel adds how its send answer reads and its own endpoints.
    /// </summary>
    internal abstract class TemplateChannelApi<TResult> : ITemplateSource where TResult : TemplateSendResult
    {
        private readonly string _family;

        protected TemplateChannelApi(OctopodsClient client, OctopodsChannel channel, string family)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            if (client.Options.Channel != channel)
                throw new ArgumentException($"The client holds a {client.Options.Channel} key, not a {channel} key.", nameof(client));
            Channel = channel;
            _family = family;
        }

        public OctopodsChannel Channel { get; }

        protected OctopodsClient Client { get; }

        /// <summary>Sends one built request. A POST is never repeated after an ambiguous failure (the client's rule).</summary>
        public Task<TResult> SendAsync(TemplateSendRequest request, CancellationToken cancellationToken) => SendAsync(request, null, cancellationToken);

        /// <summary>Sends one built request as a row of a bulk run (<paramref name="context"/>), or alone (null).</summary>
        internal async Task<TResult> SendAsync(TemplateSendRequest request, SendContext? context, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (request.Channel != Channel) throw new ArgumentException($"Not a {Channel} request.", nameof(request));
            var response = await Client.PostAsync(request.Path, request.ToJson(), ApiOperation.Send, context, cancellationToken).ConfigureAwait(false);
            var result = ReadSendAnswer(response.Root, response.Body, request);
            if (result.MessageId.Length == 0)
            {
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown,
                    $"The service accepted the {Channel} template {request.TemplateId} to {request.DestinationPhone} (HTTP {response.StatusCode}, request_id {response.RequestId}) but returned no message_id",
                    "The message was probably sent; it was not sent again. Quote the request_id to Octopods support.");
            }
            return result;
        }

        /// <summary>The channel's result from the service's answer to a send.</summary>
        protected abstract TResult ReadSendAnswer(JsonElement root, string body, TemplateSendRequest request);

        /// <summary>The channel's templates, filtered as <paramref name="query"/> asks.</summary>
        public async Task<IReadOnlyList<MessageTemplate>> GetTemplatesAsync(TemplateQuery? query, CancellationToken cancellationToken)
        {
            var response = await Client.GetAsync($"api/v1/{_family}/templates{(query ?? new TemplateQuery()).ToQueryString()}", ApiOperation.Templates, cancellationToken).ConfigureAwait(false);
            return MessageTemplate.ListFromJson(response.Root, Channel);
        }

        public async Task<MessageTemplate> GetTemplateAsync(string templateId, CancellationToken cancellationToken)
        {
            var id = (templateId ?? "").Trim();
            if (id.Length == 0)
            {
                throw new OctopodsException(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                    "The template id is empty", $"Give -TemplateId; Get-Octopods{Channel}Template without it lists them all.");
            }
            ApiResponse response;
            try
            {
                response = await Client.GetAsync($"api/v1/{_family}/templates/{Uri.EscapeDataString(id)}", ApiOperation.Templates, cancellationToken).ConfigureAwait(false);
            }
            catch (OctopodsException ex) when (ex.ErrorName == ErrorNames.MessageNotFound)
            {
                // A bare 404 names a missing message in the client's vocabulary; here it is a missing template.
                throw new OctopodsException(ErrorNames.TemplateNotExist, OctopodsErrorKind.NotFound,
                    $"Template {id} does not exist for this {Channel} channel" + (ex.RequestId != null ? $" (request_id {ex.RequestId})" : ""),
                    $"Check -TemplateId: Get-Octopods{Channel}Template lists the channel's templates.");
            }
            var found = MessageTemplate.ListFromJson(response.Root, Channel);
            // An id-less single answer is the template asked for; a list without it proves nothing.
            var template = found.FirstOrDefault(t => t.TemplateId == id) ?? (found.Count == 1 && found[0].TemplateId.Length == 0 ? found[0] : null);
            if (template == null)
            {
                // A 200 in a shape we cannot read is not "does not exist": the rows go out unchecked.
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.ProtocolError,
                    $"The answer for template {id} could not be read as that template" + (response.RequestId != null ? $" (request_id {response.RequestId})" : ""),
                    "The sends go ahead without the template's checks; the service still validates them.");
            }
            if (template.TemplateId.Length == 0) template.TemplateId = id;
            return template;
        }
    }
}
