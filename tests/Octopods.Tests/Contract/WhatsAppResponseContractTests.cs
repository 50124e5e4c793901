using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Templates;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// The WhatsApp answers the contract documents (docs/dev/api-contract.md#whatsapp, and the page quoted
    /// at docs/dev/api-contract.md#api-overview-and-authentication), served literally over a loopback
    /// socket: send, status, both message-listing shapes, template reads and every error shape.
    /// </summary>
    public sealed class WhatsAppResponseContractTests : IDisposable
    {
        private readonly ScriptedServer _server = ScriptedServer.Start();
        private readonly ContractClients _clients;

        public WhatsAppResponseContractTests() => _clients = new ContractClients(_server);

        public void Dispose() => _server.Dispose();

        private static TemplateSendRequest Send() => TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
            TemplateVariables.FromSections(null, new[] { "Alex", "1234" }, null, null));

        private static DateTimeOffset Utc(int hour, int minute, int second) => new DateTimeOffset(2026, 4, 24, hour, minute, second, TimeSpan.Zero);

        // ---- send: "returns a message_id" and a message_status_url; expect the SMS shape ----

        [Fact]
        public async Task Send_answer_in_the_overview_shape()
        {
            // docs/dev/api-contract.md#api-overview-and-authentication "Response format".
            const string body = "{\n  \"request_id\": \"abc123…\",\n  \"message_id\": 98765,\n  \"channel_message_id\": \"provider-id-here\"\n}";
            _server.AnswerJson(201, body);
            var result = await _clients.WhatsApp().SendAsync(Send(), default);

            Assert.Equal("98765", result.MessageId);
            Assert.Equal("1001", result.TemplateId);
            Assert.Equal("abc123…", result.RequestId);
            Assert.Equal("provider-id-here", result.ChannelMessageId);
            Assert.Equal("+14155552671", result.PhoneNumber);
            Assert.Null(result.StatusUrl);
            Assert.Null(result.Status);
            Assert.Equal(body, result.GetRawResponse());
        }

        [Fact]
        public async Task Send_answer_with_a_string_id_status_url_and_phone_without_plus()
        {
            // docs/dev/api-contract.md#whatsapp-template-send: "returns a message_id" and a message_status_url; string ids and a phone
            // without '+': docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates.
            const string body = "{\"request_id\": \"req_01HT5Q...\", \"message_id\": \"msg_01HT5Q...\", " +
                                "\"message_status_url\": \"https://app.octopods.io/api/v1/whatsapp/messages/msg_01HT5Q...\", \"phone_number\": \"14155552671\"}";
            _server.AnswerJson(200, body);
            var result = await _clients.WhatsApp().SendAsync(Send(), default);

            Assert.Equal("msg_01HT5Q...", result.MessageId);
            Assert.Equal("https://app.octopods.io/api/v1/whatsapp/messages/msg_01HT5Q...", result.StatusUrl);
            Assert.Equal("+14155552671", result.PhoneNumber);
            Assert.Equal("req_01HT5Q...", result.RequestId);
        }

        // ---- status ----

        [Fact]
        public async Task Status_answer_with_every_field_the_contract_has_seen()
        {
            // docs/dev/api-contract.md#whatsapp-message-status "Fields seen", values in the contract's own examples; upper-case status; an unknown extra field.
            const string body = @"{""request_id"": ""abc123…"", ""message_id"": 98765, ""status"": ""READ"",
""status_message"": ""Message read."", ""channel_message_id"": ""wamid.HBgLMTQxNTU1NTI2NzE"",
""intercom_conversation_id"": 12345678, ""intercom_conversation_part_id"": ""987654321"",
""last_updated"": ""2026-04-24T10:23:52Z"", ""phone_number"": ""14155552671"",
""sent_at"": ""2026-04-24T10:23:45Z"", ""delivered_at"": ""2026-04-24T10:23:49Z"", ""read_at"": ""2026-04-24T10:23:52Z"",
""failure_reason"": null, ""pricing"": {""category"": ""utility""}}";
            _server.AnswerJson(200, body);
            var status = await _clients.WhatsApp().GetStatusAsync("98765", default);

            Assert.Equal("98765", status.MessageId);
            Assert.Equal("Read", status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal("Message read.", status.StatusMessage);
            Assert.Equal("wamid.HBgLMTQxNTU1NTI2NzE", status.ChannelMessageId);
            Assert.Equal("12345678", status.IntercomConversationId);
            Assert.Equal("987654321", status.IntercomConversationPartId);
            Assert.Equal(Utc(10, 23, 52), status.LastUpdated);
            Assert.Equal("+14155552671", status.PhoneNumber);
            Assert.Equal(Utc(10, 23, 45), status.SentAt);
            Assert.Equal(Utc(10, 23, 49), status.DeliveredAt);
            Assert.Equal(Utc(10, 23, 52), status.ReadAt);
            Assert.Null(status.FailureReason);
            Assert.Equal("abc123…", status.RequestId);
            Assert.Equal(body, status.GetRawResponse());   // the extra field stays reachable
        }

        [Fact]
        public async Task Status_answer_of_unknown_is_not_final_and_missing_fields_are_null()
        {
            // docs/dev/api-contract.md#whatsapp-statuses: unknown is not terminal, ask again shortly; only the fields every answer has.
            _server.AnswerJson(200, "{\"request_id\": \"abc123…\", \"message_id\": \"msg_01HT5Q...\", \"status\": \"unknown\"}");
            var status = await _clients.WhatsApp().GetStatusAsync("msg_01HT5Q...", default);

            Assert.Equal("msg_01HT5Q...", status.MessageId);
            Assert.Equal("Unknown", status.Status);
            Assert.False(status.IsTerminal);
            Assert.Null(status.ChannelMessageId);
            Assert.Null(status.PhoneNumber);
            Assert.Null(status.SentAt);
            Assert.Null(status.ReadAt);
            Assert.Null(status.FailureReason);
        }

        [Theory]
        // docs/dev/api-contract.md#whatsapp-message-status failure_reason examples; a string or {"code": 470, "title": "…"}:
        // docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates.
        [InlineData("\"not a WhatsApp user\"", "not a WhatsApp user")]
        [InlineData("{\"code\": 470, \"title\": \"24-hour window closed\"}", "24-hour window closed (470)")]
        public async Task Status_answer_of_a_failure_carries_its_reason_in_either_shape(string reason, string expected)
        {
            _server.AnswerJson(200, "{\"request_id\": \"abc123…\", \"message_id\": 98765, \"status\": \"FAILED\", \"failure_reason\": " + reason + "}");
            var status = await _clients.WhatsApp().GetStatusAsync("98765", default);

            Assert.Equal("Failed", status.Status);
            Assert.True(status.IsTerminal);
            Assert.Equal(expected, status.FailureReason);
        }

        // ---- message listing: the two documented shapes ----

        [Fact]
        public async Task Listing_as_a_bare_array_with_nested_status()
        {
            // docs/dev/api-contract.md#whatsapp-message-list: a bare array of {user_phone_number, created_at, message_content, message_status: {channel_message_id, message_status, failure_reason}}.
            const string body = @"[
{""user_phone_number"": ""+14155552671"", ""created_at"": ""2026-04-24T10:23:45Z"", ""message_content"": ""Hi Alex, your code is 1234"",
 ""message_status"": {""channel_message_id"": ""wamid.HBgLMTQxNTU1NTI2NzE"", ""message_status"": ""DELIVERED"", ""failure_reason"": null}},
{""user_phone_number"": ""14155552672"", ""created_at"": ""2026-04-24T10:24:00Z"", ""message_content"": ""Hi Sam, your code is 5678"",
 ""message_status"": {""channel_message_id"": ""wamid.HBgLMTQxNTU1NTI2NzI"", ""message_status"": ""failed"", ""failure_reason"": {""code"": 470, ""title"": ""24-hour window closed""}}}
]";
            _server.AnswerJson(200, body);
            var list = await _clients.WhatsApp().GetMessagesAsync(100, default);

            Assert.Equal(2, list.Count);
            var first = list[0];
            Assert.Null(first.MessageId);   // this shape carries none
            Assert.Equal("+14155552671", first.PhoneNumber);
            Assert.Equal(Utc(10, 23, 45), first.SentAt);
            Assert.Equal("Hi Alex, your code is 1234", first.Content);
            Assert.Equal("wamid.HBgLMTQxNTU1NTI2NzE", first.ChannelMessageId);
            Assert.Equal("Delivered", first.Status);
            Assert.True(first.IsTerminal);
            Assert.Null(first.FailureReason);
            Assert.Null(first.RequestId);
            var second = list[1];
            Assert.Equal("+14155552672", second.PhoneNumber);
            Assert.Equal("Failed", second.Status);
            Assert.Equal("24-hour window closed (470)", second.FailureReason);
            Assert.Equal("wamid.HBgLMTQxNTU1NTI2NzI", second.ChannelMessageId);
            Assert.Contains("\"message_content\": \"Hi Sam, your code is 5678\"", second.GetRawResponse(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Listing_as_an_object_with_flat_messages()
        {
            // docs/dev/api-contract.md#whatsapp-message-list: {"request_id", "messages": [{message_id, status, phone_number, sent_at, failure_reason}]}.
            const string body = @"{""request_id"": ""abc123…"", ""messages"": [
{""message_id"": 98765, ""status"": ""read"", ""phone_number"": ""+14155552671"", ""sent_at"": ""2026-04-24T10:23:45Z"", ""failure_reason"": null},
{""message_id"": ""msg_01HT5Q..."", ""status"": ""SENT"", ""phone_number"": ""14155552672"", ""sent_at"": null, ""failure_reason"": ""template not approved for the country""}
]}";
            _server.AnswerJson(200, body);
            var list = await _clients.WhatsApp().GetMessagesAsync(100, default);

            Assert.Equal(new[] { "98765", "msg_01HT5Q..." }, list.Select(m => m.MessageId));
            Assert.Equal(new[] { "Read", "Sent" }, list.Select(m => m.Status));
            Assert.Equal(new[] { true, false }, list.Select(m => m.IsTerminal));
            Assert.Equal(new[] { "+14155552671", "+14155552672" }, list.Select(m => m.PhoneNumber));
            Assert.Equal(Utc(10, 23, 45), list[0].SentAt);
            Assert.Null(list[1].SentAt);
            Assert.Null(list[0].FailureReason);
            Assert.Equal("template not approved for the country", list[1].FailureReason);
            Assert.All(list, m => Assert.Equal("abc123…", m.RequestId));
        }

        [Theory]
        // docs/dev/api-contract.md#whatsapp-message-list: "A channel that never sent answers 400" (no body documented: empty, or the error shape without a code).
        [InlineData("")]
        [InlineData("{\"request_id\": \"abc123…\", \"error\": \"No messages found.\"}")]
        public async Task Listing_of_a_channel_that_never_sent_is_empty(string body)
        {
            _server.AnswerJson(400, body);
            Assert.Empty(await _clients.WhatsApp().GetMessagesAsync(100, default));
        }

        [Fact]
        public async Task Listing_refused_with_a_code_is_an_error_not_an_empty_list()
        {
            // docs/dev/api-contract.md#api-overview-and-authentication "Tip": code 6 and its text.
            _server.AnswerJson(400, "{\"request_id\": \"abc123…\", \"error_code\": 6, \"error\": \"Deprecated API Key. Please go to your Octopods App, and get your new API Key\"}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().GetMessagesAsync(100, default));

            Assert.Equal("DeprecatedApiKey", ex.ErrorName);
            Assert.Equal(6, ex.ApiErrorCode);
        }

        // ---- templates ----

        [Fact]
        public async Task Template_listing_reads_every_documented_item_field_and_counts_placeholders()
        {
            // docs/dev/api-contract.md#whatsapp-templates items: template_id, template_name, template_body ({{1}} placeholders),
            // template_components (e.g. {"type":"HEADER","format":"TEXT","text":…}), template_status,
            // account_phone_number, created_at.
            const string body = @"[
{""template_id"": ""1001"", ""template_name"": ""order_update"", ""template_body"": ""Hi {{1}}, your code is {{2}}."",
 ""template_components"": [{""type"": ""HEADER"", ""format"": ""TEXT"", ""text"": ""Order {{1}}""}, {""type"": ""BODY"", ""text"": ""Hi {{1}}, your code is {{2}}.""}],
 ""template_status"": ""ACCEPTED"", ""account_phone_number"": ""14155550100"", ""created_at"": ""2026-04-24T10:23:45Z""},
{""template_id"": 1002, ""template_name"": ""promo"", ""template_body"": ""Hello {{ 1 }}"",
 ""template_components"": [{""type"": ""HEADER"", ""format"": ""IMAGE""}],
 ""template_status"": ""under_review"", ""account_phone_number"": ""+14155550100"", ""created_at"": null}
]";
            _server.AnswerJson(200, body);
            var templates = await _clients.WhatsApp().GetTemplatesAsync(null, default);

            Assert.Equal(2, templates.Count);
            var first = templates[0];
            Assert.Equal("1001", first.TemplateId);
            Assert.Equal("order_update", first.Name);
            Assert.Equal("Hi {{1}}, your code is {{2}}.", first.Body);
            Assert.Equal("accepted", first.Status);
            Assert.True(first.IsAccepted);
            Assert.Equal("+14155550100", first.AccountPhoneNumber);
            Assert.Equal(Utc(10, 23, 45), first.CreatedAt);
            Assert.Equal("TEXT", first.HeaderFormat);
            Assert.Equal("Order {{1}}", first.HeaderText);
            Assert.Equal((1, 2, 0, 0), (first.HeaderVariables, first.BodyVariables, first.FooterVariables, first.ButtonVariables));
            Assert.Equal(OctopodsChannel.WhatsApp, first.Channel);
            var second = templates[1];
            Assert.Equal("1002", second.TemplateId);
            Assert.Equal("under_review", second.Status);
            Assert.False(second.IsAccepted);
            Assert.Equal("IMAGE", second.HeaderFormat);
            Assert.True(second.HasMediaHeader);
            Assert.Equal(1, second.BodyVariables);   // {{ 1 }} with spaces is still one placeholder
            Assert.Null(second.CreatedAt);
        }

        [Fact]
        public async Task Single_template_answer_with_the_fields_at_the_top_level()
        {
            const string body = "{\"template_id\": \"1001\", \"template_name\": \"order_update\", \"template_body\": \"Hi {{1}}, your code is {{2}}.\", \"template_status\": \"accepted\"}";
            _server.AnswerJson(200, body);
            var template = await _clients.WhatsApp().GetTemplateAsync("1001", default);

            Assert.Equal("1001", template.TemplateId);
            Assert.Equal("order_update", template.Name);
            Assert.Equal(2, template.BodyVariables);
            Assert.Null(template.HeaderFormat);
            Assert.True(template.IsAccepted);
        }

        [Fact]
        public async Task Template_listing_error_10_is_an_invalid_status_filter()
        {
            // docs/dev/api-contract.md#whatsapp-and-vbm-error-codes: 10 INVALID_STATUS (bad filter value on template listing).
            _server.AnswerJson(400, "{\"request_id\": \"abc123…\", \"error_code\": 10, \"error\": \"INVALID_STATUS\"}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().GetTemplatesAsync(new TemplateQuery { Status = "approved" }, default));

            Assert.Equal("InvalidStatus", ex.ErrorName);
            Assert.Equal(10, ex.ApiErrorCode);
            Assert.Equal("INVALID_STATUS", ex.Detail);
        }

        // ---- send errors ----

        [Theory]
        // docs/dev/api-contract.md#whatsapp-and-vbm-error-codes; docs/dev/api-contract.md#api-overview-and-authentication gives the texts of 3 and 6.
        [InlineData(1, "ARGUMENT_MISSING", "ArgumentMissing", OctopodsErrorKind.InvalidArgument)]
        [InlineData(2, "TYPE_MISMATCH", "TypeMismatch", OctopodsErrorKind.InvalidArgument)]
        [InlineData(3, "Message Template does not exist.", "TemplateNotExist", OctopodsErrorKind.NotFound)]
        [InlineData(4, "VARIABLES_SIZE", "VariablesSize", OctopodsErrorKind.InvalidArgument)]
        [InlineData(5, "PHONE_INVALID", "PhoneInvalid", OctopodsErrorKind.InvalidArgument)]
        [InlineData(6, "Deprecated API Key. Please go to your Octopods App, and get your new API Key", "DeprecatedApiKey", OctopodsErrorKind.Authentication)]
        [InlineData(8, "INVALID_HEADER", "InvalidHeader", OctopodsErrorKind.InvalidArgument)]
        [InlineData(9, "variables given as an array for a template with non-body placeholders", "VariablesShape", OctopodsErrorKind.InvalidArgument)]
        public async Task Send_error_codes_are_named_for_the_whatsapp_family(int code, string text, string name, OctopodsErrorKind kind)
        {
            // docs/dev/api-contract.md#api-overview-and-authentication "Response format" error shape.
            _server.AnswerJson(400, "{\n  \"request_id\": \"abc123…\",\n  \"error_code\": " + code.ToString(CultureInfo.InvariantCulture) + ",\n  \"error\": \"" + text + "\"\n}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().SendAsync(Send(), default));

            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(kind, ex.Kind);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.Equal(400, ex.HttpStatus);
            Assert.Equal("abc123…", ex.RequestId);
            Assert.Equal(text, ex.Detail);
            Assert.Equal(OctopodsChannel.WhatsApp, ex.Channel);
            Assert.Single(_server.Requests);
        }

        [Fact]
        public async Task Code_5_means_the_phone_on_whatsapp_but_the_deprecated_key_on_sms()
        {
            // docs/dev/api-contract.md#errors-and-401: "The same number means different things" on SMS and WhatsApp.
            _server.AnswerJson(400, "{\"request_id\": \"abc123…\", \"error_code\": 5, \"error\": \"x\"}")
                   .AnswerJson(400, "{\"request_id\": \"abc123…\", \"error_code\": 5, \"error\": \"x\"}");
            var whatsApp = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().SendAsync(Send(), default));
            var sms = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Sms().SendAsync(Octopods.Sms.SmsSendRequest.Create("+14155552671", "x"), default));

            Assert.Equal("PhoneInvalid", whatsApp.ErrorName);
            Assert.Equal("DeprecatedApiKey", sms.ErrorName);
        }

        [Theory]
        // docs/dev/api-contract.md#errors-and-401: "A missing or invalid WhatsApp key can answer 401" (no body documented).
        [InlineData("")]
        [InlineData("{\"error\": \"Unauthorized\"}")]
        public async Task A_401_is_an_unauthorized_key_for_the_whatsapp_channel(string body)
        {
            _server.AnswerJson(401, body);
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().SendAsync(Send(), default));

            Assert.Equal("Unauthorized", ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.Authentication, ex.Kind);
            Assert.Equal(401, ex.HttpStatus);
            Assert.Contains("WhatsApp", ex.Fix, StringComparison.Ordinal);
            Assert.Single(_server.Requests);
        }
    }
}
