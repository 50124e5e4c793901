using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Octopods.Errors;
using Octopods.Http;
using Octopods.Sandbox;
using Octopods.Templates;
using Octopods.TestServer;
using Octopods.Time;
using Octopods.Viber;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.Tests.Templates
{
    /// <summary>The WhatsApp and VBM clients against the emulator over a real loopback socket.</summary>
    public class WhatsAppViberLoopbackTests : IAsyncLifetime
    {
        private const string Key = "wa_test_loopback_81c2";
        private readonly VirtualClock _clock = new VirtualClock();
        private EmulatorServer _server = null!;

        public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new OctopodsEmulator(_clock));
        public async Task DisposeAsync() => await _server.DisposeAsync();

        private OctopodsClient Client(OctopodsChannel channel, string key = Key) =>
            new OctopodsClient(new OctopodsClientOptions(channel, new ApiKey(key), _server.BaseUri) { Clock = _clock });

        private WhatsAppApi WhatsApp(string key = Key) => new WhatsAppApi(Client(OctopodsChannel.WhatsApp, key));
        private ViberApi Viber(string key = Key) => new ViberApi(Client(OctopodsChannel.Viber, key));

        private static TemplateSendRequest Body(string templateId, string phone, params string[] body) =>
            TemplateSendRequest.Create(OctopodsChannel.WhatsApp, templateId, phone, TemplateVariables.FromSections(null, body, null, null));

        private static async Task<OctopodsException> Fails(Func<Task> action) => await Assert.ThrowsAsync<OctopodsException>(action);

        [Fact]
        public async Task Send_then_status_goes_sent_delivered_read_on_the_emulator_clock()
        {
            var api = WhatsApp();
            var sent = await api.SendAsync(Body("1001", "+14155552671", "Alex", "1234"), default);
            Assert.StartsWith("msg_sbx_", sent.MessageId);
            Assert.Equal("1001", sent.TemplateId);
            Assert.StartsWith("wamid.", sent.ChannelMessageId);
            Assert.Equal(new Uri(_server.BaseUri, "/api/v1/whatsapp/messages/" + sent.MessageId).ToString(), sent.StatusUrl);
            Assert.Equal("POST /api/v1/whatsapp/templates/1001/messages", _server.Requests.Single());
            Assert.Equal("{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"Alex\",\"1234\"]}", _server.Bodies.Single());
            Assert.Equal("Hi Alex, your order 1234 has shipped.", _server.Emulator.Ledger.Single().Content);

            Assert.Equal("Sent", (await api.GetStatusAsync(sent.MessageId, default)).Status);
            _clock.Advance(TimeSpan.FromSeconds(3));
            var delivered = await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal("Delivered", delivered.Status);
            Assert.True(delivered.IsTerminal);
            Assert.Null(delivered.ReadAt);
            _clock.Advance(TimeSpan.FromSeconds(7));
            var read = await api.GetStatusAsync(sent.MessageId, default);
            Assert.Equal("Read", read.Status);
            Assert.Equal(read.LastUpdated, read.ReadAt);
            Assert.True(read.ReadAt > read.DeliveredAt);
        }

        [Theory]
        [InlineData("1001", "{\"message_variables\":[\"a\",\"b\"]}", 1, ErrorNames.ArgumentMissing)]
        [InlineData("1001", "{\"destination_phone\":\"+14155552671\",\"message_variables\":\"a\"}", 2, ErrorNames.TypeMismatch)]
        [InlineData("9999", "{\"destination_phone\":\"+14155552671\"}", 3, ErrorNames.TemplateNotExist)]
        [InlineData("1005", "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"a\"]}", 3, ErrorNames.TemplateNotExist)]
        [InlineData("1001", "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"a\"]}", 4, ErrorNames.VariablesSize)]
        [InlineData("1002", "{\"destination_phone\":\"+14155552671\",\"message_variables\":{\"header\":[],\"body\":[\"a\",\"b\",\"c\"],\"footer\":[],\"buttons\":[]}}", 4, ErrorNames.VariablesSize)]
        [InlineData("1001", "{\"destination_phone\":\"4155552671\",\"message_variables\":[\"a\",\"b\"]}", 5, ErrorNames.PhoneInvalid)]
        [InlineData("1003", "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"a\"]}", 1, ErrorNames.ArgumentMissing)]
        [InlineData("1003", "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"a\"],\"header_attachment_url\":\"nope\"}", 8, ErrorNames.InvalidHeader)]
        [InlineData("1004", "{\"destination_phone\":\"+14155552671\",\"message_variables\":[\"a\"]}", 9, ErrorNames.VariablesShape)]
        [InlineData("1002", "{\"destination_phone\":\"+14155552671\",\"message_variables\":{\"header\":[\"x\"],\"body\":[\"a\",\"b\",\"c\"]}}", 1, ErrorNames.ArgumentMissing)]
        public async Task Each_whatsapp_send_error_code_maps_to_its_name(string templateId, string body, int code, string name)
        {
            var client = Client(OctopodsChannel.WhatsApp);
            var ex = await Fails(() => client.PostAsync($"api/v1/whatsapp/templates/{templateId}/messages", Encoding.UTF8.GetBytes(body), ApiOperation.Send, default));
            Assert.Equal(name, ex.ErrorName);
            Assert.Equal(code, ex.ApiErrorCode);
            Assert.StartsWith("req_sbx_", ex.RequestId);
            Assert.Contains($"Octopods WhatsApp error {code}", ex.Message);
            Assert.False(string.IsNullOrEmpty(ex.Fix));
            Assert.Empty(_server.Emulator.Ledger);
        }

        [Fact]
        public async Task Sections_a_number_map_and_media_headers_are_accepted_when_they_fit()
        {
            var api = WhatsApp();
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1002", "+14155552671",
                TemplateVariables.FromSections(new[] { "Ann" }, new[] { "Ann", "Monday", "10:00" }, Array.Empty<string>(), null)), default);
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromRaw("{\"1\":\"Bo\",\"2\":\"77\"}")), default);
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1003", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "Cy" }, null, null), "https://cdn.example.com/new.jpg"), default);
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1004", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "A-9" }, null, new[] { "A-9" })), default);
            Assert.Equal(new[] { "Hi Ann, your appointment is on Monday at 10:00.", "Hi Bo, your order 77 has shipped.", "Hi Cy, our new collection is here.", "Your order A-9 is on its way." },
                _server.Emulator.Ledger.Select(s => s.Content));
        }

        [Theory]
        [InlineData(OctopodsChannel.WhatsApp)]
        [InlineData(OctopodsChannel.Viber)]
        public async Task The_deprecated_key_is_error_6_on_both_template_families(OctopodsChannel channel)
        {
            var client = Client(channel, SandboxKeys.Deprecated);
            var family = channel == OctopodsChannel.WhatsApp ? "whatsapp" : "vbm";
            var ex = await Fails(() => client.PostAsync($"api/v1/{family}/templates/1/messages", Encoding.UTF8.GetBytes("{}"), ApiOperation.Send, default));
            Assert.Equal(ErrorNames.DeprecatedApiKey, ex.ErrorName);
            Assert.Equal(6, ex.ApiErrorCode);
            Assert.Equal(OctopodsErrorKind.Authentication, ex.Kind);
            var read = await Fails(() => client.GetAsync($"api/v1/{family}/templates", ApiOperation.Templates, default));
            Assert.Equal(ErrorNames.DeprecatedApiKey, read.ErrorName);
        }

        [Fact]
        public async Task Magic_numbers_end_failed_read_deleted_or_stay_unknown()
        {
            var api = WhatsApp();
            var ids = new[] { SandboxNumbers.Fails, SandboxNumbers.Undelivered, SandboxNumbers.ProviderError, SandboxNumbers.StaysQueued }
                .Select(phone => api.SendAsync(Body("1001", phone, "a", "b"), default).Result.MessageId).ToList();
            _clock.Advance(TimeSpan.FromSeconds(3));
            var statuses = ids.Select(id => api.GetStatusAsync(id, default).Result).ToList();
            Assert.Equal(new[] { "Failed", "Read", "Deleted", "Unknown" }, statuses.Select(s => s.Status));
            Assert.Equal(new[] { true, true, true, false }, statuses.Select(s => s.IsTerminal));
            Assert.Equal("Message undeliverable: the recipient is not a WhatsApp user (131026)", statuses[0].FailureReason);
            Assert.Contains("\"failure_reason\":{\"code\":131026", statuses[0].GetRawResponse());
            Assert.Equal(statuses[1].DeliveredAt, statuses[1].ReadAt);
        }

        [Fact]
        public async Task A_key_that_never_sent_lists_nothing_and_history_is_per_key_newest_first()
        {
            var api = WhatsApp();
            Assert.Empty(await api.GetMessagesAsync(100, default));
            Assert.Contains("GET /api/v1/whatsapp/messages", _server.Requests);

            var first = await api.SendAsync(Body("1001", "+14155550101", "Ann", "1"), default);
            var second = await api.SendAsync(Body("1001", SandboxNumbers.Fails, "Bob", "2"), default);
            _clock.Advance(TimeSpan.FromSeconds(4));
            var listed = await api.GetMessagesAsync(100, default);
            Assert.Equal(new[] { second.MessageId, first.MessageId }, listed.Select(m => m.MessageId));
            Assert.Equal("Failed", listed[0].Status);
            Assert.Equal("Message undeliverable: the recipient is not a WhatsApp user", listed[0].FailureReason);
            Assert.Single(await api.GetMessagesAsync(1, default));
            Assert.Empty(await WhatsApp("another_key").GetMessagesAsync(10, default));
        }

        [Fact]
        public async Task The_bare_array_listing_shape_reads_the_same()
        {
            _server.Emulator.Options.BareMessageListing = true;
            _server.Emulator.Options.UpperCaseStatuses = true;
            _server.Emulator.Options.PhoneWithoutPlus = true;
            var api = WhatsApp();
            await api.SendAsync(Body("1001", SandboxNumbers.Fails, "Bob", "2"), default);
            _clock.Advance(TimeSpan.FromSeconds(4));
            var message = Assert.Single(await api.GetMessagesAsync(5, default));
            Assert.Null(message.MessageId);
            Assert.Equal(SandboxNumbers.Fails, message.PhoneNumber);
            Assert.Equal("Failed", message.Status);
            Assert.Equal("Message undeliverable: the recipient is not a WhatsApp user (131026)", message.FailureReason);
            Assert.Equal("Hi Bob, your order 2 has shipped.", message.Content);
            Assert.StartsWith("wamid.", message.ChannelMessageId);
        }

        [Fact]
        public async Task Template_filters_status_active_and_language_prefix()
        {
            var api = WhatsApp();
            var all = await api.GetTemplatesAsync(null, default);
            Assert.Equal(new[] { "1001", "1002", "1003", "1004", "1005", "1006" }, all.Select(t => t.TemplateId));
            Assert.Equal(new[] { "1005" }, (await api.GetTemplatesAsync(new TemplateQuery { Status = "PENDING" }, default)).Select(t => t.TemplateId));
            Assert.Equal(new[] { "1005", "1006" }, (await api.GetTemplatesAsync(new TemplateQuery { Active = false }, default)).Select(t => t.TemplateId));
            Assert.Equal(new[] { "1002" }, (await api.GetTemplatesAsync(new TemplateQuery { Language = "en_GB" }, default)).Select(t => t.TemplateId));
            Assert.Equal(5, (await api.GetTemplatesAsync(new TemplateQuery { Language = "en" }, default)).Count);
            Assert.Contains("GET /api/v1/whatsapp/templates", _server.Requests);

            var bad = await Fails(() => api.GetTemplatesAsync(new TemplateQuery { Status = "approved-ish" }, default));
            Assert.Equal(ErrorNames.InvalidStatus, bad.ErrorName);
            Assert.Equal(10, bad.ApiErrorCode);

            var one = await api.GetTemplateAsync("1004", default);
            Assert.Equal(("track_order", 1, 1), (one.Name, one.BodyVariables, one.ButtonVariables));
            Assert.Equal(ErrorNames.TemplateNotExist, (await Fails(() => api.GetTemplateAsync("4242", default))).ErrorName);
        }

        [Fact]
        public async Task The_template_check_asks_once_per_template_and_remembers_a_missing_one()
        {
            var check = new TemplateCheck(WhatsApp());
            for (var i = 0; i < 3; i++)
            {
                var passed = await check.CheckAsync(Body("1001", "+14155552671", "Ann", "ORD-1"), default);
                Assert.Null(passed.Refusal);
                Assert.Equal(2, passed.Template!.BodyVariables);
                var tooFew = await check.CheckAsync(Body("1001", "+14155552671", "Ann"), default);
                Assert.Equal(ErrorNames.VariablesSize, tooFew.Refusal!.ErrorName);
                var missing = await check.CheckAsync(Body("4242", "+14155552671"), default);
                Assert.Equal(ErrorNames.TemplateNotExist, missing.Refusal!.ErrorName);
                Assert.Contains("nothing was sent", missing.Refusal.Message);
                Assert.Null(missing.NotChecked);
            }
            Assert.Equal(2, check.Reads);
            Assert.Equal(new[] { "GET /api/v1/whatsapp/templates/1001", "GET /api/v1/whatsapp/templates/4242" }, _server.Requests);
        }

        [Fact]
        public async Task A_template_lookup_that_fails_otherwise_leaves_the_send_unchecked()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 503;
                await ctx.Response.WriteAsync("busy");
                return true;
            };
            var check = await new TemplateCheck(WhatsApp()).CheckAsync(Body("1001", "+14155552671", "a"), default);
            Assert.Null(check.Refusal);
            Assert.Equal(ErrorNames.ServerError, check.NotChecked!.ErrorName);
        }

        [Fact]
        public async Task A_template_answer_in_an_unknown_shape_is_not_taken_as_missing()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"request_id\":\"r1\",\"data\":{\"wrapped\":true}}");
                return true;
            };
            var check = await new TemplateCheck(WhatsApp()).CheckAsync(Body("1001", "+14155552671", "a"), default);
            Assert.Null(check.Refusal);
            Assert.Equal(ErrorNames.InvalidResponse, check.NotChecked!.ErrorName);
        }

        [Fact]
        public async Task Only_an_uncoded_400_means_an_empty_history_a_coded_one_is_an_error()
        {
            _server.Intercept = async ctx =>
            {
                ctx.Response.StatusCode = 400;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"request_id\":\"r2\",\"error_code\":2,\"error\":\"TYPE_MISMATCH\"}");
                return true;
            };
            var ex = await Fails(() => WhatsApp().GetMessagesAsync(10, default));
            Assert.Equal(2, ex.ApiErrorCode);
        }

        [Fact]
        public async Task Viber_sends_sections_without_buttons_and_lists_accepted_templates_only()
        {
            var api = Viber();
            var sent = await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.Viber, "2003", "+14155552671",
                TemplateVariables.FromSections(new[] { "today" }, new[] { "9:00", "11:00" }, new[] { "R-1" }, null)), default);
            Assert.StartsWith("msg_sbx_", sent.MessageId);
            Assert.Null(sent.StatusUrl);
            Assert.Equal("POST /api/v1/vbm/templates/2003/messages", _server.Requests.Single());
            Assert.Contains("\"message_variables\":{\"header\":[\"today\"],\"body\":[\"9:00\",\"11:00\"],\"footer\":[\"R-1\"]}", _server.Bodies.Single());
            Assert.Equal(OctopodsChannel.Viber, _server.Emulator.Ledger.Single().Channel);

            var image = await Fails(() => api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.Viber, "2002", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "Ann" }, null, null)), default));
            Assert.Equal((ErrorNames.ArgumentMissing, (int?)1), (image.ErrorName, image.ApiErrorCode));
            Assert.Contains("header_image_url", image.Detail);
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.Viber, "2002", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "Ann" }, null, null), "https://cdn.example.com/week.png"), default);

            var templates = await api.GetTemplatesAsync(null, default);
            Assert.Equal(new[] { "2001", "2002", "2003" }, templates.Select(t => t.TemplateId));
            Assert.All(templates, t => Assert.Equal(OctopodsChannel.Viber, t.Channel));
            Assert.Equal(ErrorNames.TemplateNotExist, (await Fails(() => api.GetTemplateAsync("2004", default))).ErrorName);
            var delivery = templates.Single(t => t.TemplateId == "2003");
            Assert.Equal((1, 2, 1, 0), (delivery.HeaderVariables, delivery.BodyVariables, delivery.FooterVariables, delivery.ButtonVariables));
        }

        [Fact]
        public async Task An_ambiguous_failure_of_a_template_send_is_not_repeated()
        {
            _server.Intercept = async ctx =>
            {
                if (ctx.Request.Method != "POST") return false;
                ctx.Response.StatusCode = 502;
                await ctx.Response.WriteAsync("Bad gateway");
                return true;
            };
            var ex = await Fails(() => WhatsApp().SendAsync(Body("1001", "+14155552671", "a", "b"), default));
            Assert.Equal(ErrorNames.ServerError, ex.ErrorName);
            Assert.Equal(OctopodsErrorKind.OutcomeUnknown, ex.Kind);
            Assert.Single(_server.Requests);
        }
    }
}
