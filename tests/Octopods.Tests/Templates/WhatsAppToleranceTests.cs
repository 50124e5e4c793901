using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Octopods.Errors;
using Octopods.Templates;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.Tests.Templates
{
    /// <summary>The contract's list of disagreements (docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates) for WhatsApp answers.</summary>
    public class WhatsAppToleranceTests
    {
        private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

        [Theory]
        [InlineData("READ", "Read", true)]
        [InlineData("delivered", "Delivered", true)]
        [InlineData("Deleted", "Deleted", true)]
        [InlineData("FAILED", "Failed", true)]
        [InlineData("sent", "Sent", false)]
        [InlineData("UNKNOWN", "Unknown", false)]
        [InlineData("warming_up", "warming_up", false)]
        public void Statuses_compare_without_case_unknown_is_polled_again_and_new_values_are_kept(string raw, string expected, bool terminal)
        {
            var status = WhatsAppStatus.FromJson(Parse($"{{\"message_id\":98765,\"status\":\"{raw}\"}}"), "", "x");
            Assert.Equal(expected, status.Status);
            Assert.Equal(terminal, status.IsTerminal);
            Assert.Equal("98765", status.MessageId);
        }

        [Fact]
        public void Status_reads_every_documented_field()
        {
            const string json = @"{""request_id"":""r"",""message_id"":""m1"",""status"":""read"",""status_message"":""Read."",""channel_message_id"":""wamid.X"",
                ""intercom_conversation_id"":123,""intercom_conversation_part_id"":""p9"",""last_updated"":""2026-04-24T10:23:49Z"",""phone_number"":""14155552671"",
                ""sent_at"":""2026-04-24T10:23:45Z"",""delivered_at"":""2026-04-24T10:23:47Z"",""read_at"":""2026-04-24T10:23:49Z"",""failure_reason"":null,""new"":1}";
            var s = WhatsAppStatus.FromJson(Parse(json), json, "m1");
            Assert.Equal("wamid.X", s.ChannelMessageId);
            Assert.Equal("123", s.IntercomConversationId);
            Assert.Equal("p9", s.IntercomConversationPartId);
            Assert.Equal("+14155552671", s.PhoneNumber);
            Assert.Equal(new System.DateTimeOffset(2026, 4, 24, 10, 23, 49, System.TimeSpan.Zero), s.ReadAt);
            Assert.Null(s.FailureReason);
            Assert.Equal(json, s.GetRawResponse());
        }

        [Fact]
        public void The_bare_array_listing_shape_with_nested_status_and_failure_object()
        {
            const string json = @"[{""user_phone_number"":""14155550101"",""created_at"":""2026-04-24T10:00:00Z"",""message_content"":""Hi Ann"",
                ""message_status"":{""channel_message_id"":""wamid.1"",""message_status"":""FAILED"",""failure_reason"":{""code"":470,""title"":""24-hour window closed""}}},
                {""user_phone_number"":""+14155550102"",""created_at"":""2026-04-24T10:01:00Z"",""message_content"":""Hi Bob"",
                ""message_status"":{""channel_message_id"":""wamid.2"",""message_status"":""read"",""failure_reason"":null}}]";
            var list = WhatsAppMessage.ListFromJson(Parse(json));
            Assert.Equal(2, list.Count);
            Assert.Null(list[0].MessageId);
            Assert.Equal("+14155550101", list[0].PhoneNumber);
            Assert.Equal("Failed", list[0].Status);
            Assert.Equal("24-hour window closed (470)", list[0].FailureReason);
            Assert.Equal("wamid.1", list[0].ChannelMessageId);
            Assert.Equal("Hi Ann", list[0].Content);
            Assert.Equal(new System.DateTimeOffset(2026, 4, 24, 10, 0, 0, System.TimeSpan.Zero), list[0].SentAt);
            Assert.Equal("Read", list[1].Status);
            Assert.True(list[1].IsTerminal);
        }

        [Fact]
        public void The_object_listing_shape_with_flat_fields_and_numeric_ids()
        {
            const string json = @"{""request_id"":""req_1"",""messages"":[{""message_id"":98765,""status"":""DELIVERED"",""phone_number"":""+14155550101"",
                ""sent_at"":""2026-04-24T10:00:00Z"",""failure_reason"":null},{""message_id"":""msg_2"",""status"":""failed"",""phone_number"":""14155550102"",
                ""sent_at"":1777024800,""failure_reason"":""Not a WhatsApp user""}]}";
            var list = WhatsAppMessage.ListFromJson(Parse(json));
            Assert.Equal(new[] { "98765", "msg_2" }, new[] { list[0].MessageId, list[1].MessageId });
            Assert.Equal("Delivered", list[0].Status);
            Assert.Equal("+14155550102", list[1].PhoneNumber);
            Assert.Equal("Not a WhatsApp user", list[1].FailureReason);
            Assert.Equal("req_1", list[1].RequestId);
            Assert.NotNull(list[1].SentAt);
        }

        [Fact]
        public void A_rows_identity_content_is_canonical_and_covers_template_variables_and_header()
        {
            string Identity(TemplateVariables variables, string template = "1001", string? header = null, OctopodsChannel channel = OctopodsChannel.WhatsApp) =>
                TemplateSendRequest.Create(channel, template, "+14155552671", variables, header).IdentityContent;

            // A hashtable's key order differs between processes: the identity must not.
            var forward = new Hashtable { ["1"] = "Alex", ["2"] = 1234, ["nested"] = new Hashtable { ["b"] = 1, ["a"] = 2 } };
            var ordered = new System.Collections.Specialized.OrderedDictionary { ["2"] = 1234, ["nested"] = new Dictionary<string, object?> { ["a"] = 2, ["b"] = 1 }, ["1"] = "Alex" };
            Assert.Equal(Identity(TemplateVariables.FromRaw(forward)), Identity(TemplateVariables.FromRaw(ordered)));
            Assert.Equal(Identity(TemplateVariables.FromRaw(forward)),
                Identity(TemplateVariables.FromRaw(" { \"nested\": {\"b\":1, \"a\":2}, \"2\": 1234, \"1\": \"Alex\" } ")));
            // Same body on the wire, same row: a plain list given by section or raw.
            Assert.Equal(Identity(TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null)),
                Identity(TemplateVariables.FromRaw(new List<object?> { "a", "b" })));

            var baseline = Identity(TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null));
            Assert.NotEqual(baseline, Identity(TemplateVariables.FromSections(null, new[] { "b", "a" }, null, null)));     // order of values matters
            Assert.NotEqual(baseline, Identity(TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null), template: "1002"));
            Assert.NotEqual(baseline, Identity(TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null), header: "https://cdn.example.com/a.jpg"));
            Assert.NotEqual(baseline, Identity(TemplateVariables.FromRaw(new List<object?> { "a", 7 })));
            Assert.NotEqual(Identity(TemplateVariables.FromRaw(new List<object?> { "7" })), Identity(TemplateVariables.FromRaw(new List<object?> { 7 })));
            Assert.NotEqual(Identity(TemplateVariables.None), Identity(TemplateVariables.FromSections(null, Array.Empty<string>(), null, null)));
            // Neither the recipient's name nor the Intercom fields make a message different.
            Assert.Equal(baseline, TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null), null, "Ann", true, "42").IdentityContent);
        }
    }
}
