using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Templates;

namespace Octopods.WhatsApp
{
    /// <summary>The WhatsApp endpoints over an <see cref="OctopodsClient"/> holding a WhatsApp Business Account key.</summary>
    public sealed class WhatsAppApi
    {
        public const int MaxListLimit = 100;
        private readonly OctopodsClient _client;

        public WhatsAppApi(OctopodsClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            if (client.Options.Channel != OctopodsChannel.WhatsApp)
                throw new ArgumentException("The client holds a " + client.Options.Channel + " key, not a WhatsApp key.", nameof(client));
        }

        /// <summary>Sends one built request. A POST is never repeated after an ambiguous failure (the client's rule).</summary>
        public async Task<WhatsAppSendResult> SendAsync(TemplateSendRequest request, CancellationToken cancellationToken)
        {
            if (request.Channel != OctopodsChannel.WhatsApp) throw new ArgumentException("Not a WhatsApp request.", nameof(request));
            var response = await _client.PostAsync(request.Path, request.ToJson(), ApiOperation.Send, cancellationToken).ConfigureAwait(false);
            var result = WhatsAppSendResult.FromJson(response.Root, response.Body, request);
            if (result.MessageId.Length == 0)
            {
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown,
                    $"The service accepted the WhatsApp template {request.TemplateId} to {request.DestinationPhone} (HTTP {response.StatusCode}, request_id {response.RequestId}) but returned no message_id",
                    "The message was probably sent; it was not sent again. Quote the request_id to Octopods support to follow it.");
            }
            return result;
        }

        public async Task<WhatsAppStatus> GetStatusAsync(string messageId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(messageId))
            {
                throw new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                    "The message id is empty", "Pass the MessageId that Send-OctopodsWhatsAppTemplate returned.");
            }
            var id = messageId.Trim();
            var response = await _client.GetAsync("api/v1/whatsapp/messages/" + Uri.EscapeDataString(id), ApiOperation.Status, cancellationToken).ConfigureAwait(false);
            return WhatsAppStatus.FromJson(response.Root, response.Body, id);
        }

        /// <summary>
        /// The most recent API-sent messages of this key. A channel that never sent one answers 400
        /// (without a catalogued error code): that is an empty list, not an error.
        /// </summary>
        public async Task<IReadOnlyList<WhatsAppMessage>> GetMessagesAsync(int limit, CancellationToken cancellationToken)
        {
            if (limit < 1 || limit > MaxListLimit) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit is 1 to 100.");
            try
            {
                var response = await _client.GetAsync("api/v1/whatsapp/messages?limit=" + limit.ToString(CultureInfo.InvariantCulture), ApiOperation.Messages, cancellationToken).ConfigureAwait(false);
                return WhatsAppMessage.ListFromJson(response.Root);
            }
            catch (OctopodsException ex) when (ex.HttpStatus == 400 && ex.ErrorName == ErrorNames.ApiError && ex.ApiErrorCode == null)
            {
                return Array.Empty<WhatsAppMessage>();
            }
        }

        public Task<IReadOnlyList<MessageTemplate>> GetTemplatesAsync(TemplateQuery? query, CancellationToken cancellationToken) =>
            TemplateApi.ListAsync(_client, "whatsapp", query, cancellationToken);

        public Task<MessageTemplate> GetTemplateAsync(string templateId, CancellationToken cancellationToken) =>
            TemplateApi.GetAsync(_client, "whatsapp", templateId, cancellationToken);
    }
}
