using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Octopods.Sms;
using Octopods.Templates;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// What the client puts on the wire for every operation it makes, against literals from the public
    /// pages and the contract (docs/dev/api-contract.md): method, path, query, headers and the JSON body,
    /// compared by structure.
    /// </summary>
    public sealed class RequestContractTests : IDisposable
    {
        // docs/dev/api-contract.md#sms-send-reference "Successful response" / docs/dev/api-contract.md#api-overview-and-authentication "Response format":
        // a success answer the client accepts after any send.
        private const string SendAnswer = "{\"request_id\": \"abc123…\", \"message_id\": 98765, \"channel_message_id\": \"provider-id-here\"}";

        private readonly ScriptedServer _server = ScriptedServer.Start();
        private readonly ContractClients _clients;

        public RequestContractTests() => _clients = new ContractClients(_server);

        public void Dispose() => _server.Dispose();

        /// <summary>The path literally, the query as a set of name=value pairs (the contract fixes no order).</summary>
        private static void Target(RecordedRequest request, string method, string path, params string[] query)
        {
            Assert.Equal(method, request.Method);
            var parts = request.Target.Split('?', 2);
            Assert.Equal(path, parts[0]);
            var sent = parts.Length == 1 ? Array.Empty<string>() : parts[1].Split('&');
            Assert.Equal(query.OrderBy(q => q, StringComparer.Ordinal), sent.OrderBy(q => q, StringComparer.Ordinal));
        }

        // ---- SMS: POST /api/v1/sms/messages ----

        [Fact]
        public async Task Sms_send_posts_the_sms_send_references_full_example()
        {
            _server.AnswerJson(201, SendAnswer);
            await _clients.Sms().SendAsync(SmsSendRequest.Create("+14155552671", "Hi Alex — your order is on the way!", "Alex Rivera", true), default);

            var request = _server.OnlyRequest();
            Target(request, "POST", "/api/v1/sms/messages");
            ContractAssert.Headers(request, "YOUR_CHANNEL_API_KEY");
            // docs/dev/api-contract.md#sms-send-reference "Full example", the -d body as written there.
            ContractAssert.SameJson(@"{
""destination_phone"": ""+14155552671"",
""body"": ""Hi Alex — your order is on the way!"",
""destination_user_name"": ""Alex Rivera"",
""open_intercom_conversation"": true
}", request.BodyText);
        }

        [Fact]
        public async Task Sms_send_posts_the_sms_api_articles_example_with_open_intercom_conversation_false()
        {
            _server.AnswerJson(201, SendAnswer);
            await _clients.Sms().SendAsync(SmsSendRequest.Create("+353838000000", "MESSAGE_BODY", openIntercomConversation: false), default);

            var request = _server.OnlyRequest();
            Target(request, "POST", "/api/v1/sms/messages");
            ContractAssert.Headers(request, "YOUR_CHANNEL_API_KEY");
            // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot "Request (in cURL)": false is sent as a JSON false, not left out.
            ContractAssert.SameJson(@"{
""destination_phone"": ""+353838000000"",
""body"": ""MESSAGE_BODY"",
""open_intercom_conversation"": false
}", request.BodyText);
        }

        [Fact]
        public async Task Sms_send_of_only_the_required_fields_and_the_teammate_field()
        {
            _server.AnswerJson(201, SendAnswer).AnswerJson(201, SendAnswer);
            var api = _clients.Sms();
            // docs/dev/api-contract.md#sms-api-overview "Example request" body text; the number is the contract's e.g. (that page's +15551234567 is no real number, see PhoneContractTests).
            await api.SendAsync(SmsSendRequest.Create("+14155552671", "Hi Jane — your order ORD-9876 is out for delivery. Reply STOP to opt out."), default);
            // docs/dev/api-contract.md#sms-send table: intercom_teammate_id is a string.
            await api.SendAsync(SmsSendRequest.Create("+14155552671", "x", intercomTeammateId: "4242"), default);

            var requests = _server.Requests;
            Assert.Equal(2, requests.Count);
            ContractAssert.SameJson(@"{
""destination_phone"": ""+14155552671"",
""body"": ""Hi Jane — your order ORD-9876 is out for delivery. Reply STOP to opt out.""
}", requests[0].BodyText);
            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"", ""body"": ""x"", ""intercom_teammate_id"": ""4242""}", requests[1].BodyText);
            Assert.All(requests, r => Target(r, "POST", "/api/v1/sms/messages"));
            Assert.All(requests, r => ContractAssert.Headers(r, "YOUR_CHANNEL_API_KEY"));
        }

        // ---- SMS: GET /api/v1/sms/messages/{message_id} ----

        [Theory]
        [InlineData("42", "/api/v1/sms/messages/42")]                   // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot "Get Message Status"
        [InlineData("4829174", "/api/v1/sms/messages/4829174")]         // docs/dev/api-contract.md#sms-status-reference "Example request"
        [InlineData(" msg_01HT5Q ", "/api/v1/sms/messages/msg_01HT5Q")] // docs/dev/api-contract.md#sms-api-overview: string ids; a pasted id's spaces are not sent
        public async Task Sms_status_gets_the_message_path_with_the_channel_key(string id, string path)
        {
            _server.AnswerJson(200, "{\"request_id\": \"r\", \"message_id\": 42, \"status\": \"queued\"}");
            await _clients.Sms().GetStatusAsync(id, default);

            var request = _server.OnlyRequest();
            Target(request, "GET", path);
            ContractAssert.Headers(request, "YOUR_CHANNEL_API_KEY");
        }

        // ---- WhatsApp: POST /api/v1/whatsapp/templates/{template_id}/messages ----

        [Fact]
        public async Task WhatsApp_send_of_a_body_only_template_posts_a_plain_variable_list()
        {
            _server.AnswerJson(201, SendAnswer);
            var send = TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "Alex", "1234" }, null, null));
            await _clients.WhatsApp().SendAsync(send, default);

            var request = _server.OnlyRequest();
            Target(request, "POST", "/api/v1/whatsapp/templates/1001/messages");
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
            // docs/dev/api-contract.md#whatsapp-template-send table: body-only templates take ["Alex","1234"].
            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"", ""message_variables"": [""Alex"",""1234""]}", request.BodyText);
        }

        [Fact]
        public async Task WhatsApp_send_with_sections_posts_every_section_and_every_optional_field()
        {
            _server.AnswerJson(201, SendAnswer);
            var send = TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromSections(new[] { "Ann" }, new[] { "Alex", "1234" }, null, new[] { "ORD-9876" }),
                "https://example.com/banner.jpg", "Alex Rivera", true, "4242");
            await _clients.WhatsApp().SendAsync(send, default);

            var request = _server.OnlyRequest();
            Target(request, "POST", "/api/v1/whatsapp/templates/1001/messages");
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
            // docs/dev/api-contract.md#whatsapp-template-send table: {"header":[…],"body":[…],"footer":[…],"buttons":[…]} with every
            // section present even if empty; header_attachment_url, open_intercom_conversation,
            // intercom_teammate_id, destination_user_name.
            ContractAssert.SameJson(@"{
""destination_phone"": ""+14155552671"",
""message_variables"": {""header"": [""Ann""], ""body"": [""Alex"", ""1234""], ""footer"": [], ""buttons"": [""ORD-9876""]},
""header_attachment_url"": ""https://example.com/banner.jpg"",
""destination_user_name"": ""Alex Rivera"",
""open_intercom_conversation"": true,
""intercom_teammate_id"": ""4242""
}", request.BodyText);
        }

        [Fact]
        public async Task WhatsApp_send_with_only_a_header_variable_still_sends_an_empty_body_section()
        {
            _server.AnswerJson(201, SendAnswer);
            var send = TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromSections(new[] { "Ann" }, null, null, null));
            await _clients.WhatsApp().SendAsync(send, default);

            // "with every section present even if empty".
            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"",
""message_variables"": {""header"": [""Ann""], ""body"": [], ""footer"": [], ""buttons"": []}}", _server.OnlyRequest().BodyText);
        }

        [Fact]
        public async Task WhatsApp_send_passes_a_placeholder_number_map_through_unchanged()
        {
            _server.AnswerJson(201, SendAnswer).AnswerJson(201, SendAnswer);
            var api = _clients.WhatsApp();
            // docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates:
            // message_variables once described as {"1":"Alex"}; a caller may pass that shape through.
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromRaw(new Dictionary<string, object?> { ["1"] = "Alex" })), default);
            await api.SendAsync(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155552671",
                TemplateVariables.FromRaw("{\"1\": \"Alex\", \"2\": \"1234\"}")), default);

            var requests = _server.Requests;
            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"", ""message_variables"": {""1"": ""Alex""}}", requests[0].BodyText);
            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"", ""message_variables"": {""1"": ""Alex"", ""2"": ""1234""}}", requests[1].BodyText);
        }

        // ---- WhatsApp reads ----

        [Fact]
        public async Task WhatsApp_status_gets_the_message_path()
        {
            _server.AnswerJson(200, "{\"request_id\": \"r\", \"message_id\": 98765, \"status\": \"sent\"}");
            await _clients.WhatsApp().GetStatusAsync("98765", default);

            var request = _server.OnlyRequest();
            Target(request, "GET", "/api/v1/whatsapp/messages/98765");   // docs/dev/api-contract.md#api-overview-and-authentication "The endpoints"
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
        }

        [Theory]
        [InlineData(100, "limit=100")]   // default and maximum
        [InlineData(1, "limit=1")]
        public async Task WhatsApp_message_listing_gets_the_listing_with_its_limit(int limit, string query)
        {
            _server.AnswerJson(200, "{\"request_id\": \"r\", \"messages\": []}");
            await _clients.WhatsApp().GetMessagesAsync(limit, default);

            var request = _server.OnlyRequest();
            Target(request, "GET", "/api/v1/whatsapp/messages", query);   // docs/dev/api-contract.md#whatsapp-message-list: GET /api/v1/whatsapp/messages?limit=N
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
        }

        [Fact]
        public async Task WhatsApp_template_listing_without_filters_sends_no_query()
        {
            _server.AnswerJson(200, "[]");
            await _clients.WhatsApp().GetTemplatesAsync(null, default);

            var request = _server.OnlyRequest();
            Target(request, "GET", "/api/v1/whatsapp/templates");
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
        }

        [Theory]
        // docs/dev/api-contract.md#whatsapp-templates: filters status (pending, under_review, needs_modification, rejected, accepted, deleted), active, lang.
        [InlineData("pending")]
        [InlineData("under_review")]
        [InlineData("needs_modification")]
        [InlineData("rejected")]
        [InlineData("ACCEPTED")]
        [InlineData("deleted")]
        public async Task WhatsApp_template_listing_sends_each_documented_filter(string status)
        {
            _server.AnswerJson(200, "[]");
            await _clients.WhatsApp().GetTemplatesAsync(new TemplateQuery { Status = status, Active = true, Language = "en" }, default);

            var request = _server.OnlyRequest();
            Target(request, "GET", "/api/v1/whatsapp/templates", "status=" + status.ToLowerInvariant(), "active=true", "lang=en");
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
        }

        [Fact]
        public async Task WhatsApp_single_template_gets_its_path()
        {
            _server.AnswerJson(200, "{\"template_id\": \"1001\", \"template_name\": \"order_update\"}");
            await _clients.WhatsApp().GetTemplateAsync("1001", default);

            var request = _server.OnlyRequest();
            Target(request, "GET", "/api/v1/whatsapp/templates/1001");
            ContractAssert.Headers(request, "YOUR_API_KEY_HERE");
        }

        // ---- Viber (VBM) ----

        [Fact]
        public async Task Viber_send_posts_sections_without_buttons_and_the_image_header()
        {
            _server.AnswerJson(201, SendAnswer);
            var send = TemplateSendRequest.Create(OctopodsChannel.Viber, "2001", "+14155552671",
                TemplateVariables.FromSections(Array.Empty<string>(), new[] { "Alex" }, null, null),
                "https://example.com/offer.png", openIntercomConversation: true, intercomTeammateId: "4242");
            await _clients.Viber().SendAsync(send, default);

            var request = _server.OnlyRequest();
            Target(request, "POST", "/api/v1/vbm/templates/2001/messages");   // docs/dev/api-contract.md#api-overview-and-authentication "The endpoints"
            ContractAssert.Headers(request, "YOUR_API_KEY");
            // docs/dev/api-contract.md#vbm-send: message_variables {"header":[],"body":[],"footer":[]} (no buttons), header_image_url.
            ContractAssert.SameJson(@"{
""destination_phone"": ""+14155552671"",
""message_variables"": {""header"": [], ""body"": [""Alex""], ""footer"": []},
""header_image_url"": ""https://example.com/offer.png"",
""open_intercom_conversation"": true,
""intercom_teammate_id"": ""4242""
}", request.BodyText);
        }

        [Fact]
        public async Task Viber_send_of_body_variables_posts_an_array()
        {
            _server.AnswerJson(201, SendAnswer);
            await _clients.Viber().SendAsync(TemplateSendRequest.Create(OctopodsChannel.Viber, "2001", "+14155552671",
                TemplateVariables.FromSections(null, new[] { "Alex", "1234" }, null, null)), default);

            ContractAssert.SameJson(@"{""destination_phone"": ""+14155552671"", ""message_variables"": [""Alex"", ""1234""]}", _server.OnlyRequest().BodyText);
        }

        [Fact]
        public async Task Viber_template_reads_get_the_vbm_paths_with_active_and_lang()
        {
            _server.AnswerJson(200, "[]").AnswerJson(200, "{\"template_id\": \"2001\", \"template_name\": \"offer\"}");
            var api = _clients.Viber();
            await api.GetTemplatesAsync(new TemplateQuery { Active = false, Language = "en" }, default);
            await api.GetTemplateAsync("2001", default);

            var requests = _server.Requests;
            Target(requests[0], "GET", "/api/v1/vbm/templates", "active=false", "lang=en");   // docs/dev/api-contract.md#vbm-templates: filters active, lang
            Target(requests[1], "GET", "/api/v1/vbm/templates/2001");
            Assert.All(requests, r => ContractAssert.Headers(r, "YOUR_API_KEY"));
        }
    }
}
