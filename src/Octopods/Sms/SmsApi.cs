using System;
using System.Threading;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.FlowControl;
using Octopods.Http;
using Octopods.Polling;

namespace Octopods.Sms
{
    /// <summary>The two SMS endpoints over an <see cref="OctopodsClient"/> holding an SMS channel key.</summary>
    internal sealed class SmsApi : IStatusSource<SmsStatus>
    {
        private readonly OctopodsClient _client;

        public SmsApi(OctopodsClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
        }

        public Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken cancellationToken) => SendAsync(request, null, cancellationToken);

        /// <summary>Sends one SMS as a row of a bulk run (<paramref name="context"/>), or alone (null).</summary>
        internal async Task<SmsSendResult> SendAsync(SmsSendRequest request, SendContext? context, CancellationToken cancellationToken)
        {
            var response = await _client.PostAsync("api/v1/sms/messages", request.ToJson(), ApiOperation.Send, context, cancellationToken).ConfigureAwait(false);
            var result = SmsSendResult.FromJson(response.Root, response.Body, request);
            if (result.MessageId.Length == 0)
            {
                throw new OctopodsException(ErrorNames.InvalidResponse, OctopodsErrorKind.OutcomeUnknown,
                    $"The service accepted the SMS to {request.DestinationPhone} (HTTP {response.StatusCode}, request_id {response.RequestId}) but returned no message_id",
                    "The message was probably sent; it was not sent again. Quote the request_id to Octopods support to follow it.");
            }
            return result;
        }

        public async Task<SmsStatus> GetStatusAsync(string messageId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(messageId))
            {
                throw new OctopodsException(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                    "The message id is empty", "Pass the MessageId that Send-OctopodsSms returned.");
            }
            var id = messageId.Trim();
            var response = await _client.GetAsync("api/v1/sms/messages/" + Uri.EscapeDataString(id), ApiOperation.Status, cancellationToken).ConfigureAwait(false);
            return SmsStatus.FromJson(response.Root, response.Body, id);
        }

        public OctopodsChannel Channel => OctopodsChannel.Sms;

        public bool IsFinal(SmsStatus status) => status.IsTerminal;
    }
}
