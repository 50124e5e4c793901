using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.Sandbox
{
    /// <summary>What the WhatsApp and VBM families share: template listing and the template send.</summary>
    internal abstract class TemplateFamilyEmulator : IEmulatorFamily
    {
        protected readonly OctopodsEmulator Emulator;
        protected readonly List<SandboxTemplate> Templates;
        protected readonly object Gate = new object();

        protected TemplateFamilyEmulator(OctopodsEmulator emulator, List<SandboxTemplate> templates)
        {
            Emulator = emulator;
            Templates = templates;
        }

        public abstract OctopodsChannel Channel { get; }
        public abstract string PathPrefix { get; }
        /// <summary>6, as the overview article numbers it; VBM documents no number of its own and follows WhatsApp.</summary>
        public int DeprecatedKeyCode => 6;
        protected abstract string HeaderField { get; }
        protected abstract bool WithButtons { get; }
        /// <summary>VBM lists accepted templates only and has no status filter.</summary>
        protected abstract bool ListsAllStatuses { get; }
        protected const string AccountPhone = "+15550100001";

        private static readonly char[] Slash = { '/' };

        public EmulatorResponse Handle(EmulatorRequest request, string relativePath, string requestId)
        {
            var parts = relativePath.Split(Slash, StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
            if (parts.Length >= 1 && parts[0] == "templates")
            {
                if (request.Method == "POST" && parts.Length == 3 && parts[2] == "messages") return Send(request, parts[1], requestId);
                if (request.Method == "GET" && parts.Length == 1) return ListTemplates(request, requestId);
                if (request.Method == "GET" && parts.Length == 2) return OneTemplate(parts[1], requestId);
            }
            return HandleMore(request, parts, requestId)
                   ?? EmulatorResponse.Json(404, w => { w.WriteString("request_id", requestId); w.WriteString("error", "Not found."); });
        }

        /// <summary>The family's other routes; null when none matches.</summary>
        protected virtual EmulatorResponse? HandleMore(EmulatorRequest request, string[] parts, string requestId) => null;

        private IEnumerable<SandboxTemplate> Visible => ListsAllStatuses ? Templates : Templates.Where(t => t.IsAccepted);

        private EmulatorResponse ListTemplates(EmulatorRequest request, string requestId)
        {
            if (!SandboxTemplates.TryFilter(Visible, request.Query, ListsAllStatuses, out var found, out var badStatus))
                return EmulatorResponse.Error(400, requestId, 10, $"Invalid status '{badStatus}'. Use pending, under_review, needs_modification, rejected, accepted or deleted.");
            return EmulatorResponse.Json(200, w =>
            {
                w.WriteString("request_id", requestId);
                w.WriteStartArray("templates");
                foreach (var template in found)
                {
                    w.WriteStartObject();
                    template.Write(w, AccountPhone);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }

        private EmulatorResponse OneTemplate(string id, string requestId)
        {
            var template = Visible.FirstOrDefault(t => t.Id == id);
            if (template == null) return EmulatorResponse.Error(400, requestId, 3, "Message Template does not exist.");
            return EmulatorResponse.Json(200, w =>
            {
                w.WriteString("request_id", requestId);
                template.Write(w, AccountPhone);
            });
        }

        private EmulatorResponse Send(EmulatorRequest request, string templateId, string requestId)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(request.Body.Length == 0 ? "{}" : request.Body);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return EmulatorResponse.Error(400, requestId, 2, "The request body is not valid JSON.");
            }
            if (root.ValueKind != JsonValueKind.Object) return EmulatorResponse.Error(400, requestId, 2, "The request body must be a JSON object.");

            // Only accepted templates can be sent; the API does not tell "pending" from "missing".
            var template = Templates.FirstOrDefault(t => t.Id == templateId && t.IsAccepted);
            if (template == null) return EmulatorResponse.Error(400, requestId, 3, "Message Template does not exist.");

            var phone = JsonFields.GetRawString(root, "destination_phone");
            if (string.IsNullOrWhiteSpace(phone))
                return EmulatorResponse.Error(400, requestId, 1, "You must supply destination_phone in your request payload.");
            if (!PhoneNumberNormalizer.IsE164(phone))
                return EmulatorResponse.Error(400, requestId, 5, "Destination phone number is invalid. Use the E.164 format.");
            if (JsonFields.TryGet(root, "open_intercom_conversation", out var open) && open.ValueKind != JsonValueKind.True && open.ValueKind != JsonValueKind.False)
                return EmulatorResponse.Error(400, requestId, 2, "open_intercom_conversation must be a boolean.");

            var check = SandboxTemplates.CheckSend(template, root, HeaderField, WithButtons);
            if (check.Code.HasValue) return EmulatorResponse.Error(400, requestId, check.Code, check.Error);

            var key = SandboxStore.KeyHash(request.Header(Http.OctopodsClient.AuthHeader) ?? "");
            var now = Emulator.Clock.UtcNow;
            var content = template.Render(check.Body);
            var openConversation = open.ValueKind == JsonValueKind.True;
            var id = Emulator.Accept(given => new AcceptedSend(Channel, given, phone!, content, now, requestId)
            {
                KeyHash = key, TemplateId = template.Id, OpenConversation = openConversation,
            }).MessageId;
            Accepted(key, id, phone!, template, content, now, openConversation);

            var statusUrl = new Uri(request.BaseUri, PathPrefix + "/messages/" + Uri.EscapeDataString(id)).ToString();
            return EmulatorResponse.Json(201, w =>
            {
                w.WriteString("request_id", requestId);
                if (Emulator.Options.NumericMessageIds) w.WriteNumber("message_id", long.Parse(id, CultureInfo.InvariantCulture));
                else w.WriteString("message_id", id);
                WriteSendExtras(w, id);
                if (HasStatusEndpoint) w.WriteString("message_status_url", statusUrl);
                w.WriteString("phone_number", Emulator.Phone(phone!));
            });
        }

        /// <summary>Keeps what the family needs of an accepted message (status, history).</summary>
        /// <param name="key">The sending key's hash (<see cref="SandboxStore.KeyHash"/>).</param>
        protected abstract void Accepted(string key, string id, string phone, SandboxTemplate template, string content, DateTimeOffset at, bool openConversation);

        public void Restore(AcceptedSend send)
        {
            // A template the sandbox no longer has: the send stays in the ledger, its message is gone.
            var template = Templates.FirstOrDefault(t => t.Id == send.TemplateId);
            if (template != null) Accepted(send.KeyHash, send.MessageId, send.DestinationPhone, template, send.Content, send.AcceptedAt, send.OpenConversation);
        }

        protected virtual bool HasStatusEndpoint => true;

        protected virtual void WriteSendExtras(Utf8JsonWriter w, string id) { }
    }
}
