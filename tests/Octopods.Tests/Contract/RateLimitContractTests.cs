using System;
using System.Threading.Tasks;
using Octopods.Errors;
using Octopods.Sms;
using Octopods.Templates;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// docs/dev/api-contract.md#api-overview-and-authentication "Rate limits" and
    /// docs/dev/api-contract.md#rate-limiting: HTTP 429 with a "try after … UTC" message, nothing
    /// accepted; wait until then and retry. A Retry-After header is honoured if present. Documented for
    /// WhatsApp, treated the same on every family. The clients run on a virtual clock at 12:34:50 UTC.
    /// </summary>
    public sealed class RateLimitContractTests : IDisposable
    {
        // docs/dev/api-contract.md#api-overview-and-authentication "Rate limits", byte for byte.
        private const string TooMany = "{\n  \"message\": \"You have fired too many requests. Please try after 2026-04-24 12:34:56 UTC.\"\n}";
        private const string Accepted = "{\"request_id\": \"abc123…\", \"message_id\": 98765, \"channel_message_id\": \"provider-id-here\"}";

        private readonly ScriptedServer _server = ScriptedServer.Start();
        private readonly ContractClients _clients;

        public RateLimitContractTests() => _clients = new ContractClients(_server, new DateTimeOffset(2026, 4, 24, 12, 34, 50, TimeSpan.Zero));

        public void Dispose() => _server.Dispose();

        private static TemplateSendRequest WhatsAppSend() => TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
            TemplateVariables.FromSections(null, new[] { "Alex", "1234" }, null, null));

        [Fact]
        public async Task A_whatsapp_send_waits_until_the_named_time_then_sends_the_same_request_once_more()
        {
            _server.AnswerJson(429, TooMany).AnswerJson(201, Accepted);
            var result = await _clients.WhatsApp().SendAsync(WhatsAppSend(), default);

            Assert.Equal("98765", result.MessageId);
            Assert.Equal(new[] { TimeSpan.FromSeconds(6) }, _clients.RateLimitWaits);   // 12:34:50 → 12:34:56
            Assert.Equal(new DateTimeOffset(2026, 4, 24, 12, 34, 56, TimeSpan.Zero), _clients.Clock.UtcNow);
            var requests = _server.Requests;
            Assert.Equal(2, requests.Count);
            Assert.Equal(requests[0].Target, requests[1].Target);
            Assert.Equal(requests[0].Body, requests[1].Body);
            ContractAssert.Headers(requests[1], "YOUR_API_KEY_HERE");
        }

        [Fact]
        public async Task An_sms_send_is_treated_the_same()
        {
            _server.AnswerJson(429, TooMany).AnswerJson(201, Accepted);
            var result = await _clients.Sms().SendAsync(SmsSendRequest.Create("+14155552671", "hi"), default);

            Assert.Equal("98765", result.MessageId);
            Assert.Equal(new[] { TimeSpan.FromSeconds(6) }, _clients.RateLimitWaits);
            Assert.Equal(2, _server.Requests.Count);
        }

        [Fact]
        public async Task A_status_read_is_treated_the_same()
        {
            _server.AnswerJson(429, TooMany).AnswerJson(200, "{\"request_id\": \"abc123…\", \"message_id\": 98765, \"status\": \"delivered\"}");
            var status = await _clients.WhatsApp().GetStatusAsync("98765", default);

            Assert.Equal("Delivered", status.Status);
            Assert.Equal(new[] { TimeSpan.FromSeconds(6) }, _clients.RateLimitWaits);
        }

        [Theory]
        // docs/dev/api-contract.md#rate-limiting: a Retry-After header is not documented, but honoured if present, in seconds or as an HTTP date.
        [InlineData("3", 3)]
        [InlineData("Fri, 24 Apr 2026 12:35:00 GMT", 10)]
        public async Task A_retry_after_header_wins_over_the_message(string retryAfter, int seconds)
        {
            _server.Answer(new ScriptedResponse(429, TooMany, "application/json; charset=utf-8", ("Retry-After", retryAfter)))
                   .AnswerJson(201, Accepted);
            await _clients.WhatsApp().SendAsync(WhatsAppSend(), default);

            Assert.Equal(new[] { TimeSpan.FromSeconds(seconds) }, _clients.RateLimitWaits);
            Assert.Equal(2, _server.Requests.Count);
        }

        [Fact]
        public async Task A_429_that_keeps_coming_ends_as_rate_limited_with_the_services_text()
        {
            for (var i = 0; i < 6; i++) _server.AnswerJson(429, TooMany);
            var ex = await Assert.ThrowsAsync<OctopodsException>(() => _clients.WhatsApp().SendAsync(WhatsAppSend(), default));

            Assert.Equal("RateLimited", ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.LimitsExceeded, ex.Kind);
            Assert.Equal(429, ex.HttpStatus);
            Assert.Equal("You have fired too many requests. Please try after 2026-04-24 12:34:56 UTC.", ex.Detail);
            Assert.Equal(6, _server.Requests.Count);   // the first try and the default 5 retries
        }
    }
}
