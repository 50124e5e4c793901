using System;
using System.Text.Json;
using Octopods.Http;
using Octopods.Sms;
using Xunit;

namespace Octopods.Tests.Http
{
    /// <summary>Every variant in the contract's list of disagreements (docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates), parsed without a network.</summary>
    public class ToleranceTests
    {
        private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
        private static readonly SmsSendRequest Request = SmsSendRequest.Create("+14155552671", "hi");

        [Theory]
        [InlineData("{\"message_id\": 98765, \"request_id\": \"abc\"}", "98765")]
        [InlineData("{\"message_id\": \"msg_01HT5Q\", \"request_id\": \"abc\"}", "msg_01HT5Q")]
        public void Message_id_is_a_string_whether_sent_as_number_or_string(string json, string expected) =>
            Assert.Equal(expected, SmsSendResult.FromJson(Parse(json), json, Request).MessageId);

        [Theory]
        [InlineData("DELIVERED", "Delivered", true)]
        [InlineData("delivered", "Delivered", true)]
        [InlineData("Undelivered", "Undelivered", true)]
        [InlineData("QUEUED", "Queued", false)]
        [InlineData("accepted_by_carrier", "accepted_by_carrier", false)]
        public void Statuses_compare_without_case_and_unknown_ones_are_kept(string raw, string expected, bool terminal)
        {
            var status = SmsStatus.FromJson(Parse($"{{\"message_id\":\"m\",\"status\":\"{raw}\"}}"), "", "m");
            Assert.Equal(expected, status.Status);
            Assert.Equal(terminal, status.IsTerminal);
        }

        [Theory]
        [InlineData("14155552671")]
        [InlineData("+14155552671")]
        public void Phone_number_gets_its_plus(string phone) =>
            Assert.Equal("+14155552671", SmsStatus.FromJson(Parse($"{{\"phone_number\":\"{phone}\"}}"), "", "m").PhoneNumber);

        [Fact]
        public void Missing_optional_fields_extra_fields_and_nulls_are_fine_and_raw_is_kept()
        {
            const string json = "{\"request_id\":\"r\",\"message_id\":\"m\",\"status\":\"sent\",\"sent_at\":null,\"carrier\":{\"name\":\"x\"},\"new_field\":[1,2]}";
            var status = SmsStatus.FromJson(Parse(json), json, "m");
            Assert.Null(status.SentAt);
            Assert.Null(status.DeliveredAt);
            Assert.Null(status.FailureReason);
            Assert.Equal(json, status.GetRawResponse());
        }

        [Fact]
        public void Failure_reason_may_be_text_or_a_code_and_title_object()
        {
            Assert.Equal("blocked by the carrier", SmsStatus.FromJson(Parse("{\"failure_reason\":\"blocked by the carrier\"}"), "", "m").FailureReason);
            Assert.Equal("Re-engagement message (470)", SmsStatus.FromJson(Parse("{\"failure_reason\":{\"code\":470,\"title\":\"Re-engagement message\"}}"), "", "m").FailureReason);
        }

        [Fact]
        public void Times_parse_from_iso_text_with_or_without_zone_and_epoch_seconds_as_utc()
        {
            var expected = new DateTimeOffset(2026, 4, 24, 12, 34, 56, TimeSpan.Zero);
            Assert.Equal(expected, SmsStatus.FromJson(Parse("{\"sent_at\":\"2026-04-24T12:34:56Z\"}"), "", "m").SentAt);
            Assert.Equal(expected, SmsStatus.FromJson(Parse("{\"sent_at\":\"2026-04-24 12:34:56\"}"), "", "m").SentAt);
            Assert.Equal(expected, SmsStatus.FromJson(Parse("{\"sent_at\":\"2026-04-24T14:34:56+02:00\"}"), "", "m").SentAt);
            Assert.Equal(expected, SmsStatus.FromJson(Parse($"{{\"sent_at\":{expected.ToUnixTimeSeconds()}}}"), "", "m").SentAt);
            Assert.Equal(TimeSpan.Zero, SmsStatus.FromJson(Parse("{\"sent_at\":\"2026-04-24T14:34:56+02:00\"}"), "", "m").SentAt!.Value.Offset);
        }

        [Fact]
        public void Send_result_takes_documented_fields_and_falls_back_to_the_requested_phone()
        {
            const string json = "{\"request_id\":\"req_1\",\"message_id\":\"msg_1\",\"message_status_url\":\"https://api.octopods.io/api/v1/sms/messages/msg_1\",\"channel_message_id\":\"SM1\"}";
            var result = SmsSendResult.FromJson(Parse(json), json, Request);
            Assert.Equal("req_1", result.RequestId);
            Assert.Equal("https://api.octopods.io/api/v1/sms/messages/msg_1", result.StatusUrl);
            Assert.Equal("SM1", result.ChannelMessageId);
            Assert.Equal("+14155552671", result.PhoneNumber);
            Assert.Equal("GSM-7", result.Encoding);
            Assert.Equal(1, result.Segments);
        }

        [Theory]
        [InlineData("https://app.octopods.io", "https://app.octopods.io/")]
        [InlineData("https://api.octopods.io/", "https://api.octopods.io/")]
        [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
        [InlineData("http://localhost:5000/", "http://localhost:5000/")]
        [InlineData("http://[::1]:8080", "http://[::1]:8080/")]
        [InlineData(null, "https://app.octopods.io/")]
        public void Base_addresses_accept_https_and_loopback_http(string? input, string expected) =>
            Assert.Equal(expected, TransportSecurity.ValidateBaseUri(input).ToString());

        [Theory]
        [InlineData("http://app.octopods.io")]
        [InlineData("http://10.0.0.5")]
        [InlineData("ftp://app.octopods.io")]
        [InlineData("app.octopods.io")]
        public void Plain_http_to_a_remote_host_and_non_http_schemes_are_refused(string input) =>
            Assert.Equal(Errors.ErrorNames.InsecureBaseUri, Assert.Throws<Errors.OctopodsException>(() => TransportSecurity.ValidateBaseUri(input)).ErrorName);

        [Theory]
        [InlineData("https://alice:S3cretPass@app.octopods.io")]
        [InlineData("https://alice:S3cretPass@app.octopods.io/?x=1")]
        [InlineData("http://alice:S3cretPass@127.0.0.1:5000")]
        public void An_address_with_a_user_and_password_is_refused_without_echoing_them(string input)
        {
            var ex = Assert.Throws<Errors.OctopodsException>(() => TransportSecurity.ValidateBaseUri(input));
            Assert.Equal(Errors.ErrorNames.BaseUriInvalid, ex.ErrorName);
            Assert.DoesNotContain("S3cretPass", ex.Message);
            Assert.DoesNotContain("alice", ex.Message);
        }

        [Theory]
        [InlineData("https://app.octopods.io/?region=eu")]
        [InlineData("https://app.octopods.io/#top")]
        public void An_address_with_a_query_or_fragment_is_refused_not_dropped(string input)
        {
            var ex = Assert.Throws<Errors.OctopodsException>(() => TransportSecurity.ValidateBaseUri(input));
            Assert.Equal(Errors.ErrorNames.BaseUriInvalid, ex.ErrorName);
            Assert.Contains("https://app.octopods.io/", ex.Fix);
        }
    }
}
