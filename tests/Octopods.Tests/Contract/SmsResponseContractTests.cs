using System;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Sms;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// Every SMS answer the public pages show, served literally over a loopback socket, read into the typed
    /// result field by field. Payloads are copied from the pages (their "…" and typos included), as quoted
    /// in docs/dev/api-contract.md#sources.
    /// </summary>
    public sealed class SmsResponseContractTests : IDisposable
    {
        private readonly ScriptedServer _server = ScriptedServer.Start();
        private readonly ContractClients _clients;

        public SmsResponseContractTests() => _clients = new ContractClients(_server);

        public void Dispose() => _server.Dispose();

        private static SmsSendRequest Send() => SmsSendRequest.Create("+14155552671", "Hi Alex — your order is on the way!");

        private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second) =>
            new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);

        // ---- send ----

        [Theory]
        [InlineData(201)]
        [InlineData(200)]   // docs/dev/api-contract.md#transport: a send answers 201 Created; 200 is accepted too
        public async Task Send_answer_of_the_sms_send_reference_numeric_id_and_provider_id(int status)
        {
            // docs/dev/api-contract.md#sms-send-reference "Successful response" (also docs/dev/api-contract.md#api-overview-and-authentication "Response format").
            const string body = @"{
""request_id"": ""abc123…"",
""message_id"": 98765,
""channel_message_id"": ""provider-id-here""
}";
            _server.AnswerJson(status, body);
            var result = await _clients.Sms().SendAsync(Send(), default);

            Assert.Equal("98765", result.MessageId);
            Assert.Equal("abc123…", result.RequestId);
            Assert.Equal("provider-id-here", result.ChannelMessageId);
            Assert.Equal("+14155552671", result.PhoneNumber);   // not in the answer: the number sent to
            Assert.Null(result.StatusUrl);
            Assert.Null(result.Status);
            Assert.False(result.IsTerminal);
            Assert.Equal(body, result.GetRawResponse());
        }

        [Fact]
        public async Task Send_answer_of_the_sms_api_overview_string_id_status_url_and_phone()
        {
            // docs/dev/api-contract.md#sms-api-overview "Response".
            const string body = @"{
""request_id"": ""req_01HT5Q..."",
""message_id"": ""msg_01HT5Q..."",
""message_status_url"": ""https://api.octopods.io/api/v1/sms/messages/msg_01HT5Q..."",
""phone_number"": ""+15551234567""
}";
            _server.AnswerJson(201, body);
            var result = await _clients.Sms().SendAsync(Send(), default);

            Assert.Equal("msg_01HT5Q...", result.MessageId);
            Assert.Equal("req_01HT5Q...", result.RequestId);
            Assert.Equal("https://api.octopods.io/api/v1/sms/messages/msg_01HT5Q...", result.StatusUrl);
            Assert.Equal("+15551234567", result.PhoneNumber);   // the service's word wins over the number sent
            Assert.Null(result.ChannelMessageId);
        }

        [Fact]
        public async Task Send_answer_of_the_sms_api_article_phone_without_plus_and_trailing_comma()
        {
            // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot "Response" (201 Created), byte for byte: the phone has no '+', and the object ends
            // with a trailing comma. A send the service took must not read as "outcome unknown".
            const string body = @"{
""message_id"": 42,
""phone_number"": ""353838000000"",
""request_id"": ""d8c0d247-cfc9-48d7-868d-e6afdadb44dc"",
}";
            _server.AnswerJson(201, body);
            var result = await _clients.Sms().SendAsync(SmsSendRequest.Create("+353838000000", "MESSAGE_BODY"), default);

            Assert.Equal("42", result.MessageId);
            Assert.Equal("+353838000000", result.PhoneNumber);
            Assert.Equal("d8c0d247-cfc9-48d7-868d-e6afdadb44dc", result.RequestId);
            Assert.Equal(body, result.GetRawResponse());
        }

        [Fact]
        public async Task Send_answer_without_a_content_type_is_read_as_utf8()
        {
            // docs/dev/api-contract.md#api-overview-and-authentication "Response format"; no charset named, so JSON's UTF-8 applies (the "…" must survive).
            _server.Answer(new ScriptedResponse(201, "{\"request_id\": \"abc123…\", \"message_id\": 98765, \"channel_message_id\": \"provider-id-here\"}", contentType: null));
            var result = await _clients.Sms().SendAsync(Send(), default);

            Assert.Equal("abc123…", result.RequestId);
            Assert.Equal("98765", result.MessageId);
        }

        // ---- status ----

        [Fact]
        public async Task Status_answer_of_the_sms_api_article_upper_case_with_status_message_and_trailing_comma()
        {
            // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot "Get Message Status" response, byte for byte (typo "delived" and trailing comma included).
            const string body = @"{
""message_id"": 42,
""status"": ""DELIVERED"",
""status_message"": ""Your message has been delived successfully."",
""last_updated"": ""2023-07-07T11:15:46.000Z"",
""request_id"": ""d8c0d247-cfc9-48d7-868d-e6afdadb44dc"",
}";
            _server.AnswerJson(200, body);
            var status = await _clients.Sms().GetStatusAsync("42", default);

            Assert.Equal("42", status.MessageId);
            Assert.Equal("Delivered", status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal("Your message has been delived successfully.", status.StatusMessage);
            Assert.Equal(Utc(2023, 7, 7, 11, 15, 46), status.LastUpdated);
            Assert.Equal("d8c0d247-cfc9-48d7-868d-e6afdadb44dc", status.RequestId);
            Assert.Null(status.PhoneNumber);
            Assert.Null(status.SentAt);
            Assert.Null(status.DeliveredAt);
            Assert.Null(status.FailureReason);
            Assert.Equal(body, status.GetRawResponse());
        }

        [Fact]
        public async Task Status_answer_of_the_sms_status_reference_lower_case_with_times_and_null_failure_reason()
        {
            // docs/dev/api-contract.md#sms-status-reference "Success response".
            const string body = @"{
""request_id"": ""b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721"",
""message_id"": 4829174,
""status"": ""delivered"",
""phone_number"": ""+15551234567"",
""sent_at"": ""2026-04-24T10:23:45Z"",
""delivered_at"": ""2026-04-24T10:23:49Z"",
""failure_reason"": null
}";
            _server.AnswerJson(200, body);
            var status = await _clients.Sms().GetStatusAsync("4829174", default);

            Assert.Equal("4829174", status.MessageId);
            Assert.Equal("Delivered", status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal("b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721", status.RequestId);
            Assert.Equal("+15551234567", status.PhoneNumber);
            Assert.Equal(Utc(2026, 4, 24, 10, 23, 45), status.SentAt);
            Assert.Equal(Utc(2026, 4, 24, 10, 23, 49), status.DeliveredAt);
            Assert.Null(status.FailureReason);
            Assert.Null(status.StatusMessage);
            Assert.Null(status.LastUpdated);
        }

        [Fact]
        public async Task Status_answer_for_a_stage_not_reached_has_null_times_and_is_not_final()
        {
            // docs/dev/api-contract.md#sms-status-reference "Success response" at "queued": "Fields for stages the message hasn't reached yet are null";
            // the phone as docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot spells it, without '+'.
            const string body = @"{
""request_id"": ""b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721"",
""message_id"": 4829174,
""status"": ""queued"",
""phone_number"": ""15551234567"",
""sent_at"": null,
""delivered_at"": null,
""failure_reason"": null
}";
            _server.AnswerJson(200, body);
            var status = await _clients.Sms().GetStatusAsync("4829174", default);

            Assert.Equal("Queued", status.Status);
            Assert.False(status.IsTerminal);
            Assert.Equal("+15551234567", status.PhoneNumber);
            Assert.Null(status.SentAt);
            Assert.Null(status.DeliveredAt);
            Assert.Null(status.FailureReason);
        }

        [Theory]
        // docs/dev/api-contract.md#sms-status-reference "Common failure reasons", one per terminal failure status.
        [InlineData("failed", "Failed", "The phone number is not a valid mobile subscriber.")]
        [InlineData("undelivered", "Undelivered", "The recipient’s handset is out of coverage or powered off for too long.")]
        public async Task Status_answer_of_a_failure_carries_its_reason(string raw, string expected, string reason)
        {
            var body = "{\"request_id\": \"b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721\", \"message_id\": 4829174, \"status\": \"" + raw +
                       "\", \"phone_number\": \"+15551234567\", \"sent_at\": \"2026-04-24T10:23:45Z\", \"delivered_at\": null, \"failure_reason\": \"" + reason + "\"}";
            _server.AnswerJson(200, body);
            var status = await _clients.Sms().GetStatusAsync("4829174", default);

            Assert.Equal(expected, status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal(reason, status.FailureReason);
            Assert.Null(status.DeliveredAt);
        }

        // ---- errors ----

        [Theory]
        // docs/dev/api-contract.md#sms-send-reference "Error codes" (texts from its Meaning column; the contract's words, docs/dev/api-contract.md#sms-error-codes,
        // where the page's cell is empty).
        [InlineData(1, "destination phone missing", "PhoneMissing", OctopodsErrorKind.InvalidArgument)]
        [InlineData(2, "Message body is empty.", "BodyEmpty", OctopodsErrorKind.InvalidArgument)]
        [InlineData(3, "phone not E.164", "PhoneInvalid", OctopodsErrorKind.InvalidArgument)]
        [InlineData(4, "SMS provider returned an error.", "ProviderError", OctopodsErrorKind.ProviderError)]
        [InlineData(5, "Deprecated API key.", "DeprecatedApiKey", OctopodsErrorKind.Authentication)]
        // docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates:
        // the overview (docs/dev/api-contract.md#api-overview-and-authentication "Tip") numbers the deprecated key 6.
        [InlineData(6, "Deprecated API Key. Please go to your Octopods App, and get your new API Key", "DeprecatedApiKey", OctopodsErrorKind.Authentication)]
        public async Task Send_error_codes_are_named_with_the_services_text_and_request_id(int code, string text, string name, OctopodsErrorKind kind)
        {
            _server.AnswerJson(400, "{ \"request_id\": \"…\", \"error_code\": " + code.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", \"error\": \"" + text + "\" }");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Sms().SendAsync(Send(), default));

            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(kind, ex.Kind);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.Equal(400, ex.HttpStatus);
            Assert.Equal("…", ex.RequestId);
            Assert.Equal(text, ex.Detail);
            Assert.Equal(OctopodsChannel.Sms, ex.Channel);
            Assert.Single(_server.Requests);   // an error is never retried
        }

        [Fact]
        public async Task Send_error_without_a_request_id_is_named_by_its_code()
        {
            // docs/dev/api-contract.md#sms-api-overview "On failure": no request_id, and a text that does not match the code's meaning (2 is the body).
            _server.AnswerJson(400, "{\n\"error_code\": 2,\n\"error\": \"Destination number must be in E.164 format.\"\n}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Sms().SendAsync(Send(), default));

            Assert.Equal("BodyEmpty", ex.ErrorName);
            Assert.Equal(2, ex.ApiErrorCode);
            Assert.Null(ex.RequestId);
            Assert.Equal("Destination number must be in E.164 format.", ex.Detail);
        }

        [Theory]
        // docs/dev/api-contract.md#sms-status-reference "Error codes": 1 message id missing, 5 key rotated or revoked.
        [InlineData(1, "You must supply message_id in your request payload.", "MessageIdMissing", OctopodsErrorKind.InvalidArgument)]
        [InlineData(5, "The API key has been rotated or revoked. Fetch the current key from Octopods.", "DeprecatedApiKey", OctopodsErrorKind.Authentication)]
        public async Task Status_error_codes_are_named_for_the_status_call(int code, string text, string name, OctopodsErrorKind kind)
        {
            // docs/dev/api-contract.md#sms-status-reference "Error response" shape.
            _server.AnswerJson(400, "{\n\"request_id\": \"b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721\",\n\"error_code\": " +
                code.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\n\"error\": \"" + text + "\"\n}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Sms().GetStatusAsync("4829174", default));

            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(kind, ex.Kind);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.Equal("b14f0e5a-3f3c-4e9c-b1d1-6d19f0c4a721", ex.RequestId);
            Assert.Equal(text, ex.Detail);
        }

        [Fact]
        public async Task An_unauthorized_key_is_an_authentication_error()
        {
            // docs/dev/api-contract.md#sms-api-overview "Common errors": Unauthorized — the X-Octopods-Auth header is missing, revoked, or of another channel.
            _server.Answer(new ScriptedResponse(401, "", contentType: null));
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Sms().SendAsync(Send(), default));

            Assert.Equal("Unauthorized", ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.Authentication, ex.Kind);
            Assert.Equal(401, ex.HttpStatus);
            Assert.Null(ex.ApiErrorCode);
        }
    }
}
