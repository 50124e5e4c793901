using System;
using System.Globalization;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Templates;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>The VBM answers: the send (no status endpoint exists), the template reads, and the family's error codes.</summary>
    public sealed class ViberResponseContractTests : IDisposable
    {
        private readonly ScriptedServer _server = ScriptedServer.Start();
        private readonly ContractClients _clients;

        public ViberResponseContractTests() => _clients = new ContractClients(_server);

        public void Dispose() => _server.Dispose();

        private static TemplateSendRequest Send() => TemplateSendRequest.Create(OctopodsChannel.Viber, "2001", "+14155552671",
            TemplateVariables.FromSections(null, new[] { "Alex" }, null, null));

        [Fact]
        public async Task Send_answer_in_the_overview_shape()
        {
            // docs/dev/api-contract.md#api-overview-and-authentication "Response format" (successful creates, every family).
            const string body = "{\n  \"request_id\": \"abc123…\",\n  \"message_id\": 98765,\n  \"channel_message_id\": \"provider-id-here\"\n}";
            _server.AnswerJson(201, body);
            var result = await _clients.Viber().SendAsync(Send(), default);

            Assert.Equal("98765", result.MessageId);
            Assert.Equal("2001", result.TemplateId);
            Assert.Equal("abc123…", result.RequestId);
            Assert.Equal("provider-id-here", result.ChannelMessageId);
            Assert.Equal("+14155552671", result.PhoneNumber);
            Assert.Null(result.StatusUrl);
            Assert.Equal(body, result.GetRawResponse());
        }

        [Fact]
        public async Task Send_answer_without_a_message_id_is_reported_not_taken_as_sent_twice()
        {
            // Every send answer documents a message_id; one without it cannot be followed, and the send is not repeated.
            _server.AnswerJson(201, "{\"request_id\": \"abc123…\"}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Viber().SendAsync(Send(), default));

            Assert.Equal("InvalidResponse", ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.OutcomeUnknown, ex.Kind);
            Assert.Single(_server.Requests);
        }

        [Theory]
        // docs/dev/api-contract.md#vbm-send: destination_phone E.164, code 5; the family shares WhatsApp's numbering (3, 6): docs/dev/api-contract.md#whatsapp-and-vbm-error-codes.
        [InlineData(3, "Message Template does not exist.", "TemplateNotExist")]
        [InlineData(5, "PHONE_INVALID", "PhoneInvalid")]
        [InlineData(6, "Deprecated API Key. Please go to your Octopods App, and get your new API Key", "DeprecatedApiKey")]
        public async Task Send_error_codes_are_named_for_the_vbm_family(int code, string text, string name)
        {
            _server.AnswerJson(400, "{\"request_id\": \"abc123…\", \"error_code\": " + code.ToString(CultureInfo.InvariantCulture) + ", \"error\": \"" + text + "\"}");
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.Viber().SendAsync(Send(), default));

            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.Equal(text, ex.Detail);
            Assert.Equal(OctopodsChannel.Viber, ex.Channel);
        }

        [Fact]
        public async Task Template_listing_reads_the_documented_item_fields()
        {
            // docs/dev/api-contract.md#vbm-templates: GET /api/v1/vbm/templates lists accepted templates; items as for WhatsApp.
            const string body = @"[{""template_id"": ""2001"", ""template_name"": ""offer"", ""template_body"": ""Hi {{1}}, 20% off today"",
""template_components"": [{""type"": ""HEADER"", ""format"": ""IMAGE""}], ""template_status"": ""accepted"",
""account_phone_number"": ""14155550100"", ""created_at"": ""2026-04-24T10:23:45Z""}]";
            _server.AnswerJson(200, body);
            var template = Assert.Single(await _clients.Viber().GetTemplatesAsync(null, default));

            Assert.Equal(OctopodsChannel.Viber, template.Channel);
            Assert.Equal("2001", template.TemplateId);
            Assert.Equal("offer", template.Name);
            Assert.Equal(1, template.BodyVariables);
            Assert.True(template.HasMediaHeader);
            Assert.True(template.IsAccepted);
            Assert.Equal("+14155550100", template.AccountPhoneNumber);
            Assert.Equal(new DateTimeOffset(2026, 4, 24, 10, 23, 45, TimeSpan.Zero), template.CreatedAt);
        }
    }
}
