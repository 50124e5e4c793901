using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Polling;
using Octopods.Templates;

namespace Octopods.WhatsApp
{
    /// <summary>The WhatsApp endpoints over an <see cref="OctopodsClient"/> holding a WhatsApp Business Account key: template send and reads, status, message history.</summary>
    internal sealed class WhatsAppApi : TemplateChannelApi<WhatsAppSendResult>, IStatusSource<WhatsAppStatus>
    {
        public const int MaxListLimit = 100;

        public WhatsAppApi(OctopodsClient client) : base(client, OctopodsChannel.WhatsApp, "whatsapp")
        {
        }

        public bool IsFinal(WhatsAppStatus status) => status.IsTerminal;

        protected override WhatsAppSendResult ReadSendAnswer(JsonElement root, string body, TemplateSendRequest request) =>
            WhatsAppSendResult.FromJson(root, body, request);

        public async Task<WhatsAppStatus> GetStatusAsync(string messageId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(messageId))
            {
                throw new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                    "The message id is empty", "Pass the MessageId that Send-OctopodsWhatsAppTemplate returned.");
            }
            var id = messageId.Trim();
            var response = await Client.GetAsync("api/v1/whatsapp/messages/" + Uri.EscapeDataString(id), ApiOperation.Status, cancellationToken).ConfigureAwait(false);
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
                var response = await Client.GetAsync("api/v1/whatsapp/messages?limit=" + limit.ToString(CultureInfo.InvariantCulture), ApiOperation.Messages, cancellationToken).ConfigureAwait(false);
                return WhatsAppMessage.ListFromJson(response.Root);
            }
            catch (OctopodsException ex) when (ex.HttpStatus == 400 && ex.ErrorName == ErrorNames.ApiError && ex.ApiErrorCode == null)
            {
                return Array.Empty<WhatsAppMessage>();
            }
        }
    }
}
