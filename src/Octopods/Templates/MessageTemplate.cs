using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.Templates
{
    /// <summary>
    /// A WhatsApp or Viber template as Get-OctopodsWhatsAppTemplate / Get-OctopodsViberTemplate write
    /// it, with the number of placeholders per section, which is what a send must match.
    /// </summary>
    public sealed class MessageTemplate
    {
        private static readonly Regex Placeholder = new Regex(@"\{\{\s*(\w+)\s*\}\}", RegexOptions.CultureInvariant);

        public OctopodsChannel Channel { get; set; }
        public string TemplateId { get; set; } = "";
        public string? Name { get; set; }
        public string? Language { get; set; }
        /// <summary>pending, under_review, needs_modification, rejected, accepted or deleted (kept as it came otherwise).</summary>
        public string? Status { get; set; }
        public bool? Active { get; set; }
        public string? Category { get; set; }
        public string? Body { get; set; }
        /// <summary>TEXT, IMAGE, VIDEO or DOCUMENT; empty when the template has no header.</summary>
        public string? HeaderFormat { get; set; }
        public string? HeaderText { get; set; }
        public string? FooterText { get; set; }
        public int HeaderVariables { get; set; }
        public int BodyVariables { get; set; }
        public int FooterVariables { get; set; }
        public int ButtonVariables { get; set; }
        public string? AccountPhoneNumber { get; set; }
        public DateTimeOffset? CreatedAt { get; set; }
        /// <summary>The template's components as the service sent them (JSON): kept off the properties,
        /// so Export-Csv and Format-List * show flat columns; read it with GetComponents().</summary>
        internal string? Components { get; set; }

        /// <summary>The template's components as the service sent them, as JSON text.</summary>
        public string? GetComponents() => Components;
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;

        public bool IsAccepted => string.Equals(Status, TemplateStatuses.Accepted, StringComparison.OrdinalIgnoreCase);

        /// <summary>A media header (image, video, document) needs a URL with each send.</summary>
        public bool HasMediaHeader => HeaderFormat != null && !HeaderFormat.Equals("TEXT", StringComparison.OrdinalIgnoreCase);

        /// <summary>True when any placeholder sits outside the body: variables must then be sent as sections.</summary>
        public bool HasNonBodyVariables => HeaderVariables + FooterVariables + ButtonVariables > 0;

        public int TotalVariables => HeaderVariables + BodyVariables + FooterVariables + ButtonVariables;

        internal static MessageTemplate FromJson(JsonElement item, OctopodsChannel channel)
        {
            var template = new MessageTemplate
            {
                Channel = channel,
                TemplateId = JsonFields.GetId(item, "template_id") ?? JsonFields.GetString(item, "id") ?? "",
                Name = JsonFields.GetString(item, "template_name") ?? JsonFields.GetString(item, "name"),
                Language = JsonFields.GetString(item, "template_language") ?? JsonFields.GetString(item, "language") ?? JsonFields.GetString(item, "lang"),
                Status = TemplateStatuses.Normalize(JsonFields.GetString(item, "template_status") ?? JsonFields.GetString(item, "status")),
                Active = ReadBool(item, "active") ?? ReadBool(item, "is_active"),
                Category = JsonFields.GetString(item, "template_category") ?? JsonFields.GetString(item, "category"),
                Body = JsonFields.GetString(item, "template_body") ?? JsonFields.GetString(item, "body"),
                AccountPhoneNumber = PhoneText.WithPlus(JsonFields.GetString(item, "account_phone_number")),
                CreatedAt = JsonFields.GetTime(item, "created_at"),
                RawResponse = item.GetRawText(),
            };

            var components = ReadComponents(item);
            if (components.HasValue) template.Components = components.Value.GetRawText();
            if (components.HasValue && components.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var component in components.Value.EnumerateArray())
                {
                    var type = (JsonFields.GetString(component, "type") ?? "").ToUpperInvariant();
                    var text = JsonFields.GetString(component, "text");
                    switch (type)
                    {
                        case "HEADER":
                            var format = JsonFields.GetString(component, "format");
                            template.HeaderFormat = (string.IsNullOrWhiteSpace(format) ? "TEXT" : format!.Trim()).ToUpperInvariant();
                            template.HeaderText = text;
                            template.HeaderVariables = Count(text);
                            break;
                        case "BODY":
                            if (string.IsNullOrWhiteSpace(template.Body)) template.Body = text;
                            break;
                        case "FOOTER":
                            template.FooterText = text;
                            template.FooterVariables = Count(text);
                            break;
                        case "BUTTONS":
                            if (JsonFields.TryGet(component, "buttons", out var buttons) && buttons.ValueKind == JsonValueKind.Array)
                                foreach (var button in buttons.EnumerateArray())
                                    template.ButtonVariables += Count(JsonFields.GetString(button, "url")) + Count(JsonFields.GetString(button, "text"));
                            break;
                        case "BUTTON":
                            template.ButtonVariables += Count(JsonFields.GetString(component, "url")) + Count(text);
                            break;
                    }
                }
            }
            template.BodyVariables = Count(template.Body);
            return template;
        }

        /// <summary>Distinct placeholders in a text: {{1}} and {{01}} are one; named ones ({{first_name}}) count too.</summary>
        internal static int Count(string? text) =>
            string.IsNullOrEmpty(text) ? 0 : Placeholder.Matches(text).Cast<Match>()
                .Select(m => int.TryParse(m.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : m.Groups[1].Value)
                .Distinct(StringComparer.Ordinal).Count();

        /// <summary>template_components is an array of objects, or the same array as JSON text in some answers.</summary>
        private static JsonElement? ReadComponents(JsonElement item)
        {
            if (!JsonFields.TryGet(item, "template_components", out var value) && !JsonFields.TryGet(item, "components", out value)) return null;
            if (value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    using var document = JsonDocument.Parse(value.GetString() ?? "null");
                    return document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return null;
                }
            }
            return value.ValueKind == JsonValueKind.Array || value.ValueKind == JsonValueKind.Object ? value : (JsonElement?)null;
        }

        private static bool? ReadBool(JsonElement item, string name)
        {
            if (!JsonFields.TryGet(item, name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.True) return true;
            if (value.ValueKind == JsonValueKind.False) return false;
            var text = JsonFields.GetString(item, name);
            if (text == null) return null;
            return text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1" ? true
                : text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0" ? false : (bool?)null;
        }

        /// <summary>
        /// Reads a template listing or a single-template answer, whichever shape it takes: a bare array,
        /// {"templates": […]} (or "data"), {"template": {…}}, or the template's fields at the top level.
        /// </summary>
        internal static IReadOnlyList<MessageTemplate> ListFromJson(JsonElement root, OctopodsChannel channel)
        {
            if (root.ValueKind == JsonValueKind.Array) return root.EnumerateArray().Select(i => FromJson(i, channel)).ToList();
            foreach (var name in new[] { "templates", "data", "items", "message_templates" })
                if (JsonFields.TryGet(root, name, out var list) && list.ValueKind == JsonValueKind.Array)
                    return list.EnumerateArray().Select(i => FromJson(i, channel)).ToList();
            if (JsonFields.TryGet(root, "template", out var single) && single.ValueKind == JsonValueKind.Object)
                return new[] { FromJson(single, channel) };
            if (JsonFields.TryGet(root, "template_id", out _) || JsonFields.TryGet(root, "template_name", out _))
                return new[] { FromJson(root, channel) };
            return Array.Empty<MessageTemplate>();
        }

        public override string ToString() => $"{TemplateId} {Name}";
    }
}
