using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Templates;

namespace Octopods.Viber
{
    /// <summary>The VBM endpoints over an <see cref="OctopodsClient"/> holding a VBM channel key. There is no status endpoint.</summary>
    public sealed class ViberApi
    {
        private readonly OctopodsClient _client;

        public ViberApi(OctopodsClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            if (client.Options.Channel != OctopodsChannel.Viber)
                throw new ArgumentException("The client holds a " + client.Options.Channel + " key, not a Viber key.", nameof(client));
        }

        public async Task<ViberSendResult> SendAsync(TemplateSendRequest request, CancellationToken cancellationToken)
        {
            if (request.Channel != OctopodsChannel.Viber) throw new ArgumentException("Not a Viber request.", nameof(request));
            var response = await _client.PostAsync(request.Path, request.ToJson(), ApiOperation.Send, cancellationToken).ConfigureAwait(false);
            var result = ViberSendResult.FromJson(response.Root, response.Body, request);
            if (result.MessageId.Length == 0)
            {
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown,
                    $"The service accepted the Viber template {request.TemplateId} to {request.DestinationPhone} (HTTP {response.StatusCode}, request_id {response.RequestId}) but returned no message_id",
                    "The message was probably sent; it was not sent again. Quote the request_id to Octopods support.");
            }
            return result;
        }

        /// <summary>The accepted templates of this channel (filters active and lang).</summary>
        public Task<IReadOnlyList<MessageTemplate>> GetTemplatesAsync(TemplateQuery? query, CancellationToken cancellationToken) =>
            TemplateApi.ListAsync(_client, "vbm", query, cancellationToken);

        public Task<MessageTemplate> GetTemplateAsync(string templateId, CancellationToken cancellationToken) =>
            TemplateApi.GetAsync(_client, "vbm", templateId, cancellationToken);
    }
}
