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
    /// <summary>Template variables, template parsing and the checks made before a request is spent.</summary>
    public class TemplateTests
    {
        private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

        private static string Json(TemplateSendRequest request) => Encoding.UTF8.GetString(request.ToJson());

        private static TemplateSendRequest WhatsApp(TemplateVariables variables, string? header = null) =>
            TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671", variables, header);

        private static MessageTemplate Template(int header = 0, int body = 0, int footer = 0, int buttons = 0, string? headerFormat = null, string status = "accepted") =>
            new MessageTemplate
            {
                TemplateId = "1001", Name = "t", Status = status, HeaderFormat = headerFormat ?? (header > 0 ? "TEXT" : null),
                HeaderVariables = header, BodyVariables = body, FooterVariables = footer, ButtonVariables = buttons,
            };

        [Fact]
        public void Body_only_variables_are_sent_as_a_plain_list()
        {
            var json = Json(WhatsApp(TemplateVariables.FromSections(null, new[] { "Alex", "1234" }, null, null)));
            Assert.Equal("{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"Alex\",\"1234\"]}", json);
        }

        [Fact]
        public void Any_other_section_sends_the_object_with_every_section_present()
        {
            var variables = TemplateVariables.FromSections(new[] { "Ann" }, new[] { "a", "b" }, null, null);
            Assert.Contains("\"message_variables\":{\"header\":[\"Ann\"],\"body\":[\"a\",\"b\"],\"footer\":[],\"buttons\":[]}", Json(WhatsApp(variables)));
            // VBM has no buttons section.
            var viber = TemplateSendRequest.Create(OctopodsChannel.Viber, "2003", "+14155552671", variables);
            Assert.Contains("\"message_variables\":{\"header\":[\"Ann\"],\"body\":[\"a\",\"b\"],\"footer\":[]}", Json(viber));
            Assert.Equal("api/v1/vbm/templates/2003/messages", viber.Path);
        }

        [Theory]
        [InlineData("", "Body variable 2 is empty")]
        [InlineData("   ", "Body variable 2 is empty")]
        [InlineData(null, "Body variable 2 is 200,000 characters long")]
        public void A_blank_or_absurdly_long_value_is_refused_naming_its_place(string? value, string said)
        {
            value ??= new string('x', 200_000);
            var listed = Assert.Throws<OctopodsException>(() => TemplateVariables.FromSections(null, new[] { "Ann", value }, null, null));
            Assert.Equal(ErrorNames.VariableInvalid, listed.ErrorName);
            Assert.Contains(said, listed.Message);
            var raw = Assert.Throws<OctopodsException>(() => TemplateVariables.FromRaw(new[] { "Ann", value }));
            Assert.Contains(said, raw.Message);
            Assert.Contains("Header variable 1", Assert.Throws<OctopodsException>(() => TemplateVariables.FromSections(new[] { value }, new[] { "Ann" }, null, null)).Message);
            Assert.Equal(2, TemplateVariables.FromSections(null, new[] { "Ann", new string('x', TemplateVariables.LongestValue) }, null, null).Body.Count);
        }

        [Fact]
        public void No_variables_leave_the_field_out()
        {
            Assert.DoesNotContain("message_variables", Json(WhatsApp(TemplateVariables.FromSections(null, null, null, null))));
            Assert.DoesNotContain("message_variables", Json(WhatsApp(TemplateVariables.FromRaw(null))));
        }

        [Fact]
        public void Raw_variables_pass_through_unchanged_in_every_documented_shape()
        {
            var map = new Dictionary<string, object?> { ["1"] = "Alex", ["2"] = 1234 };
            Assert.Contains("\"message_variables\":{\"1\":\"Alex\",\"2\":1234}", Json(WhatsApp(TemplateVariables.FromRaw(map))));
            Assert.Contains("\"message_variables\":[\"Alex\",7]", Json(WhatsApp(TemplateVariables.FromRaw(new List<object?> { "Alex", 7 }))));
            // JSON text keeps its keys, values and order; only insignificant whitespace goes.
            Assert.Contains("\"message_variables\":{\"1\":\"Alex\",\"2\":3}", Json(WhatsApp(TemplateVariables.FromRaw("{\"1\": \"Alex\", \"2\": 3}"))));
            var sections = new Hashtable { ["header"] = Array.Empty<object>(), ["body"] = new object[] { "x" } };
            var raw = TemplateVariables.FromRaw(sections);
            Assert.True(raw.RawIsSections);
            Assert.Equal(new[] { "x" }, raw.Body);
        }

        [Fact]
        public void Raw_text_that_is_not_json_is_a_type_mismatch()
        {
            var ex = Assert.Throws<OctopodsException>(() => TemplateVariables.FromRaw("[\"unclosed"));
            Assert.Equal(ErrorNames.TypeMismatch, ex.ErrorName);
        }

        [Fact]
        public void Header_url_and_intercom_fields_are_written_under_the_family_names()
        {
            var wa = TemplateSendRequest.Create(OctopodsChannel.WhatsApp, " 1003 ", "+14155552671", null, "https://cdn.example.com/a.jpg", "Ann", true, "42");
            Assert.Equal("1003", wa.TemplateId);
            var json = Json(wa);
            Assert.Contains("\"header_attachment_url\":\"https://cdn.example.com/a.jpg\"", json);
            Assert.Contains("\"destination_user_name\":\"Ann\"", json);
            Assert.Contains("\"open_intercom_conversation\":true", json);
            Assert.Contains("\"intercom_teammate_id\":\"42\"", json);
            Assert.Contains("\"header_image_url\":", Json(TemplateSendRequest.Create(OctopodsChannel.Viber, "2002", "+14155552671", null, "https://x.example/i.png")));
        }

        [Theory]
        [InlineData(null, "+14155552671", null, ErrorNames.ArgumentMissing)]
        [InlineData("1001", "", null, ErrorNames.PhoneMissing)]
        [InlineData("1001", "4155552671", null, ErrorNames.PhoneInvalid)]
        [InlineData("1001", "+14155552671", "not a url", ErrorNames.InvalidHeader)]
        [InlineData("1001", "+14155552671", "ftp://x.example/a.jpg", ErrorNames.InvalidHeader)]
        public void Create_rejects_bad_input_under_the_api_names(string? templateId, string phone, string? header, string name)
        {
            var ex = Assert.Throws<OctopodsException>(() => TemplateSendRequest.Create(OctopodsChannel.WhatsApp, templateId, phone, null, header));
            Assert.Equal(name, ex.ErrorName);
            Assert.False(string.IsNullOrEmpty(ex.Fix));
        }

        [Fact]
        public void Viber_takes_no_button_variables()
        {
            var ex = Assert.Throws<OctopodsException>(() => TemplateSendRequest.Create(OctopodsChannel.Viber, "2001", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "a" }, null, new[] { "b" })));
            Assert.Equal(ErrorNames.TypeMismatch, ex.ErrorName);
        }

        [Fact]
        public void A_wrong_count_in_any_section_is_variables_size_naming_both_counts()
        {
            var request = WhatsApp(TemplateVariables.FromSections(new[] { "h" }, new[] { "a" }, null, null));
            var ex = Assert.Throws<OctopodsException>(() => request.CheckAgainst(Template(header: 1, body: 2)));
            Assert.Equal(ErrorNames.VariablesSize, ex.ErrorName);
            Assert.Contains("expects header 1, body 2, footer 0, buttons 0", ex.Message);
            Assert.Contains("got header 1, body 1, footer 0, buttons 0", ex.Message);

            Assert.Equal(ErrorNames.VariablesSize, Assert.Throws<OctopodsException>(() =>
                WhatsApp(TemplateVariables.None).CheckAgainst(Template(body: 1))).ErrorName);
            // Too many is as wrong as too few: the service would refuse it (code 4).
            Assert.Equal(ErrorNames.VariablesSize, Assert.Throws<OctopodsException>(() =>
                WhatsApp(TemplateVariables.FromSections(null, new[] { "a", "b", "c" }, null, null)).CheckAgainst(Template(body: 2))).ErrorName);
            Assert.Equal(ErrorNames.VariablesSize, Assert.Throws<OctopodsException>(() =>
                WhatsApp(TemplateVariables.FromSections(new[] { "h", "i" }, new[] { "a" }, null, null)).CheckAgainst(Template(header: 1, body: 1))).ErrorName);
            // Right counts pass.
            WhatsApp(TemplateVariables.FromSections(new[] { "h" }, new[] { "a", "b" }, null, null)).CheckAgainst(Template(header: 1, body: 2));
            WhatsApp(TemplateVariables.FromSections(null, new[] { "a", "b" }, null, null)).CheckAgainst(Template(body: 2));
        }

        [Fact]
        public void An_array_for_a_template_with_non_body_placeholders_is_code_9_variables_shape()
        {
            var list = WhatsApp(TemplateVariables.FromSections(null, new[] { "a" }, null, null));
            Assert.Equal(ErrorNames.VariablesShape, Assert.Throws<OctopodsException>(() => list.CheckAgainst(Template(body: 1, buttons: 1))).ErrorName);
            var raw = WhatsApp(TemplateVariables.FromRaw(new[] { "a" }));
            Assert.Equal(ErrorNames.VariablesShape, Assert.Throws<OctopodsException>(() => raw.CheckAgainst(Template(header: 1, body: 1))).ErrorName);
        }

        [Fact]
        public void A_raw_number_map_is_not_second_guessed_but_raw_sections_are_counted()
        {
            WhatsApp(TemplateVariables.FromRaw(new Dictionary<string, object?> { ["1"] = "x" })).CheckAgainst(Template(header: 1, body: 3));
            var sections = WhatsApp(TemplateVariables.FromRaw("{\"header\":[],\"body\":[\"a\"],\"footer\":[],\"buttons\":[]}"));
            Assert.Equal(ErrorNames.VariablesSize, Assert.Throws<OctopodsException>(() => sections.CheckAgainst(Template(header: 1, body: 1))).ErrorName);
        }

        [Fact]
        public void A_media_header_without_url_is_argument_missing_and_unaccepted_templates_are_refused()
        {
            var ex = Assert.Throws<OctopodsException>(() => WhatsApp(TemplateVariables.FromSections(null, new[] { "a" }, null, null)).CheckAgainst(Template(body: 1, headerFormat: "IMAGE")));
            Assert.Equal(ErrorNames.ArgumentMissing, ex.ErrorName);
            Assert.Contains("an image header", ex.Message);
            Assert.Contains("-HeaderAttachmentUrl", ex.Message);
            WhatsApp(TemplateVariables.FromSections(null, new[] { "a" }, null, null), "https://x.example/a.jpg").CheckAgainst(Template(body: 1, headerFormat: "IMAGE"));

            var pending = Assert.Throws<OctopodsException>(() => WhatsApp(TemplateVariables.None).CheckAgainst(Template(status: "pending")));
            Assert.Equal(ErrorNames.TemplateNotAccepted, pending.ErrorName);
        }

        [Fact]
        public void Templates_count_placeholders_per_section_from_their_components()
        {
            const string json = @"{""template_id"": 77, ""template_name"": ""track"", ""template_status"": ""APPROVED"", ""template_language"": ""en_GB"",
                ""template_body"": ""Hi {{1}}, order {{2}} ({{1}}) ships {{3}}"", ""active"": ""true"", ""account_phone_number"": ""15550100001"",
                ""created_at"": ""2026-01-05T09:00:00Z"", ""extra"": {""x"": 1},
                ""template_components"": [
                    {""type"": ""HEADER"", ""format"": ""TEXT"", ""text"": ""Order {{1}}""},
                    {""type"": ""FOOTER"", ""text"": ""Ref {{1}} / {{2}}""},
                    {""type"": ""BUTTONS"", ""buttons"": [{""type"": ""URL"", ""url"": ""https://x.example/{{1}}""}, {""type"": ""QUICK_REPLY"", ""text"": ""Stop""}]}
                ]}";
            var t = MessageTemplate.FromJson(Parse(json), OctopodsChannel.WhatsApp);
            Assert.Equal("77", t.TemplateId);
            Assert.Equal("accepted", t.Status);
            Assert.True(t.IsAccepted);
            Assert.True(t.Active);
            Assert.Equal("en_GB", t.Language);
            Assert.Equal("+15550100001", t.AccountPhoneNumber);
            Assert.Equal((1, 3, 2, 1), (t.HeaderVariables, t.BodyVariables, t.FooterVariables, t.ButtonVariables));
            Assert.Equal("TEXT", t.HeaderFormat);
            Assert.False(t.HasMediaHeader);
            Assert.True(t.HasNonBodyVariables);
            Assert.Equal(json, t.GetRawResponse());
        }

        [Fact]
        public void Placeholder_counting_tolerates_padding_names_an_empty_body_field_and_an_empty_header_format()
        {
            Assert.Equal(1, MessageTemplate.Count("{{1}} and again {{01}} and {{ 1 }}"));
            // Counted only with the padding tolerated: each of these has no unpadded placeholder at all.
            Assert.Equal(1, MessageTemplate.Count("Your code is {{ 1 }}"));
            Assert.Equal(2, MessageTemplate.Count("Hi {{ 1 }}, order {{2 }} ships {{\t1\t}}"));
            Assert.Equal(1, MessageTemplate.Count("Dear {{ first_name }}"));
            Assert.Equal(2, MessageTemplate.Count("Hi {{first_name}}, order {{order_id}}"));
            var t = MessageTemplate.FromJson(Parse(@"{""template_id"":""7"",""template_body"":"""",""template_components"":[
                {""type"":""HEADER"",""format"":"""",""text"":""Hello {{1}}""},
                {""type"":""BODY"",""text"":""Dear {{1}}, code {{2}}""}]}"), OctopodsChannel.WhatsApp);
            Assert.Equal(2, t.BodyVariables);
            Assert.Equal("TEXT", t.HeaderFormat);
            Assert.False(t.HasMediaHeader);
            Assert.Equal(1, t.HeaderVariables);
        }

        [Fact]
        public void A_status_nested_as_in_the_listing_is_read_and_ends_a_wait()
        {
            var s = WhatsAppStatus.FromJson(Parse(@"{""message_id"":""m"",""message_status"":{""message_status"":""DELIVERED"",""channel_message_id"":""wamid.1"",""failure_reason"":null}}"), "", "m");
            Assert.Equal(WhatsAppStatuses.Delivered, s.Status);
            Assert.True(s.IsTerminal);
            Assert.Equal("wamid.1", s.ChannelMessageId);
        }

        [Fact]
        public async System.Threading.Tasks.Task The_template_check_reads_once_for_concurrent_rows_and_forgets_passing_failures()
        {
            var source = new HeldTemplateSource();
            var check = new TemplateCheck(source);
            var checks = System.Linq.Enumerable.Range(0, 8).Select(_ => check.CheckAsync(Send("1001", "x"), default)).ToList();
            source.Release.SetResult(true);
            await System.Threading.Tasks.Task.WhenAll(checks);
            Assert.Equal(1, source.Reads);
            Assert.All(checks, c => Assert.Equal("1001", c.Result.Template!.TemplateId));

            var first = await check.CheckAsync(Send("flaky", "x"), default);
            Assert.Null(first.Template);
            Assert.Null(first.Refusal);
            Assert.Equal("ServerError", first.NotChecked!.ErrorName);
            var second = await check.CheckAsync(Send("flaky", "x"), default);
            Assert.NotNull(second.Template);
            Assert.Equal(3, source.Reads);
        }

        private static TemplateSendRequest Send(string templateId, params string[] body) =>
            TemplateSendRequest.Create(OctopodsChannel.WhatsApp, templateId, "+14155552671", TemplateVariables.FromSections(null, body, null, null));

        /// <summary>Templates of one body variable, read only once <see cref="Release"/> is set; "flaky" fails its first read.</summary>
        private sealed class HeldTemplateSource : ITemplateSource
        {
            public System.Threading.Tasks.TaskCompletionSource<bool> Release { get; } = new System.Threading.Tasks.TaskCompletionSource<bool>();
            public int Reads;
            private int _flaky;

            public OctopodsChannel Channel => OctopodsChannel.WhatsApp;

            public async System.Threading.Tasks.Task<MessageTemplate> GetTemplateAsync(string templateId, System.Threading.CancellationToken cancellationToken)
            {
                System.Threading.Interlocked.Increment(ref Reads);
                await Release.Task;
                if (templateId == "flaky" && System.Threading.Interlocked.Increment(ref _flaky) == 1)
                    throw new OctopodsException("ServerError", OctopodsErrorKind.ServerError, "503");
                return new MessageTemplate { TemplateId = templateId, Status = "accepted", BodyVariables = 1 };
            }
        }

        [Fact]
        public void Components_given_as_json_text_and_media_headers_are_read()
        {
            const string json = "{\"template_id\":\"5\",\"template_body\":\"Hi {{1}}\",\"template_components\":\"[{\\\"type\\\":\\\"HEADER\\\",\\\"format\\\":\\\"image\\\"}]\"}";
            var t = MessageTemplate.FromJson(Parse(json), OctopodsChannel.Viber);
            Assert.Equal("IMAGE", t.HeaderFormat);
            Assert.True(t.HasMediaHeader);
            Assert.Equal(0, t.HeaderVariables);
            Assert.Equal(1, t.BodyVariables);
        }

        [Theory]
        [InlineData("[{\"template_id\":\"1\"},{\"template_id\":\"2\"}]", 2)]
        [InlineData("{\"request_id\":\"r\",\"templates\":[{\"template_id\":\"1\"}]}", 1)]
        [InlineData("{\"request_id\":\"r\",\"data\":[{\"template_id\":\"1\"},{\"template_id\":\"2\"},{\"template_id\":3}]}", 3)]
        [InlineData("{\"request_id\":\"r\",\"template\":{\"template_id\":\"1\"}}", 1)]
        [InlineData("{\"request_id\":\"r\",\"template_id\":\"1\",\"template_name\":\"x\"}", 1)]
        [InlineData("{\"request_id\":\"r\"}", 0)]
        public void Template_listings_are_read_in_every_shape(string json, int count) =>
            Assert.Equal(count, MessageTemplate.ListFromJson(Parse(json), OctopodsChannel.WhatsApp).Count);

        [Fact]
        public void Error_numbers_are_scoped_per_family()
        {
            Assert.Equal(ErrorNames.ProviderError, ErrorCatalog.Find(OctopodsChannel.Sms, ApiOperation.Send, 4)!.Name);
            Assert.Equal(ErrorNames.VariablesSize, ErrorCatalog.Find(OctopodsChannel.WhatsApp, ApiOperation.Send, 4)!.Name);
            Assert.Equal(ErrorNames.DeprecatedApiKey, ErrorCatalog.Find(OctopodsChannel.Sms, ApiOperation.Send, 5)!.Name);
            Assert.Equal(ErrorNames.PhoneInvalid, ErrorCatalog.Find(OctopodsChannel.WhatsApp, ApiOperation.Send, 5)!.Name);
            Assert.Equal(ErrorNames.PhoneInvalid, ErrorCatalog.Find(OctopodsChannel.Viber, ApiOperation.Send, 5)!.Name);
            foreach (var channel in new[] { OctopodsChannel.WhatsApp, OctopodsChannel.Viber })
            {
                Assert.Equal(ErrorNames.DeprecatedApiKey, ErrorCatalog.Find(channel, ApiOperation.Send, 6)!.Name);
                Assert.Equal(ErrorNames.TemplateNotExist, ErrorCatalog.Find(channel, ApiOperation.Send, 3)!.Name);
                Assert.Equal(ErrorNames.InvalidHeader, ErrorCatalog.Find(channel, ApiOperation.Send, 8)!.Name);
                Assert.Equal(ErrorNames.VariablesShape, ErrorCatalog.Find(channel, ApiOperation.Send, 9)!.Name);
                Assert.Equal(ErrorNames.InvalidStatus, ErrorCatalog.Find(channel, ApiOperation.Templates, 10)!.Name);
            }
            Assert.Null(ErrorCatalog.Find(OctopodsChannel.WhatsApp, ApiOperation.Send, 7));
        }
    }
}
