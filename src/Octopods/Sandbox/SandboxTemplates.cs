using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Octopods.Templates;

namespace Octopods.Sandbox
{
    /// <summary>
    /// The templates every sandbox starts with (listed in about_Octopods_Sandbox), and the checks the
    /// template send endpoints make, shared by the WhatsApp and VBM families.
    /// </summary>
    internal static class SandboxTemplates
    {
        private static readonly string[] TrackOrderButtons = { "https://shop.example.com/track/{{1}}" };

        public static List<SandboxTemplate> WhatsAppSeed() => new List<SandboxTemplate>
        {
            new SandboxTemplate { Id = "1001", Name = "order_shipped", Body = "Hi {{1}}, your order {{2}} has shipped." },
            new SandboxTemplate
            {
                Id = "1002", Name = "appointment_reminder", Language = "en_GB", HeaderFormat = "TEXT", HeaderText = "Reminder for {{1}}",
                Body = "Hi {{1}}, your appointment is on {{2}} at {{3}}.", FooterText = "Reply STOP to opt out",
            },
            new SandboxTemplate
            {
                Id = "1003", Name = "new_collection", Category = "MARKETING", HeaderFormat = "IMAGE",
                Body = "Hi {{1}}, our new collection is here.",
            },
            new SandboxTemplate
            {
                Id = "1004", Name = "track_order", Body = "Your order {{1}} is on its way.",
                ButtonUrls = TrackOrderButtons,
            },
            new SandboxTemplate { Id = "1005", Name = "spring_sale", Language = "es_ES", Category = "MARKETING", Status = TemplateStatuses.Pending, Active = false, Body = "¡{{1}} de descuento en todo!" },
            new SandboxTemplate { Id = "1006", Name = "winback_offer", Category = "MARKETING", Status = TemplateStatuses.Rejected, Active = false, Body = "We miss you, {{1}}! Come back for {{2}} off." },
        };

        public static List<SandboxTemplate> ViberSeed() => new List<SandboxTemplate>
        {
            new SandboxTemplate { Id = "2001", Name = "order_ready", Body = "Hi {{1}}, your order {{2}} is ready for pickup." },
            new SandboxTemplate { Id = "2002", Name = "weekly_offers", Category = "MARKETING", HeaderFormat = "IMAGE", Body = "{{1}}, see what is new this week." },
            new SandboxTemplate
            {
                Id = "2003", Name = "delivery_window", Language = "en_GB", HeaderFormat = "TEXT", HeaderText = "Delivery {{1}}",
                Body = "Your parcel arrives between {{1}} and {{2}}.", FooterText = "Ref {{1}}",
            },
            new SandboxTemplate { Id = "2004", Name = "loyalty_points", Status = TemplateStatuses.Pending, Active = false, Body = "You have {{1}} points." },
        };

        /// <summary>The listing filters: status (must be a known value: code 10), active, lang ("en" matches en_GB).</summary>
        public static bool TryFilter(IEnumerable<SandboxTemplate> templates, string query, bool statusFilter, out List<SandboxTemplate> result, out string? badStatus)
        {
            var parameters = ParseQuery(query);
            result = templates.ToList();
            badStatus = null;
            if (statusFilter && parameters.TryGetValue("status", out var status) && status.Length > 0)
            {
                if (!TemplateStatuses.All.Contains(status.ToLowerInvariant()))
                {
                    badStatus = status;
                    return false;
                }
                result = result.Where(t => t.Status.Equals(status, StringComparison.OrdinalIgnoreCase)).ToList();
            }
            if (parameters.TryGetValue("active", out var active) && bool.TryParse(active, out var wanted))
                result = result.Where(t => t.Active == wanted).ToList();
            if (parameters.TryGetValue("lang", out var lang) && lang.Length > 0)
                result = result.Where(t => t.Language.Equals(lang, StringComparison.OrdinalIgnoreCase) ||
                                           t.Language.StartsWith(lang + "_", StringComparison.OrdinalIgnoreCase)).ToList();
            return true;
        }

        private static readonly char[] Ampersand = { '&' };
        private static readonly char[] EqualsSign = { '=' };

        public static Dictionary<string, string> ParseQuery(string query)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var part in (query ?? "").Split(Ampersand, StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = part.Split(EqualsSign, 2);
                result[Uri.UnescapeDataString(pair[0])] = pair.Length > 1 ? Uri.UnescapeDataString(pair[1].Replace('+', ' ')) : "";
            }
            return result;
        }

        /// <summary>What a send's message_variables hold, or the API error (code, text) they earn.</summary>
        public sealed class Checked
        {
            public int? Code;
            public string Error = "";
            public IReadOnlyList<string> Body = Array.Empty<string>();
        }

        /// <summary>The variable and header checks of the template send endpoints, in the API's codes.</summary>
        public static Checked CheckSend(SandboxTemplate template, JsonElement root, string headerField, bool withButtons)
        {
            var url = Json.JsonFields.GetRawString(root, headerField);
            if (template.HasMediaHeader && string.IsNullOrWhiteSpace(url))
                return Fail(1, $"You must supply {headerField} for a template with a {template.HeaderFormat!.ToLowerInvariant()} header.");
            if (!string.IsNullOrWhiteSpace(url) &&
                !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == "https" || parsed.Scheme == "http")))
                return Fail(8, $"Invalid header: {headerField} is not a reachable URL.");

            int h = 0, f = 0, k = 0;
            IReadOnlyList<string> body = Array.Empty<string>();
            if (Json.JsonFields.TryGet(root, "message_variables", out var variables) && variables.ValueKind != JsonValueKind.Null)
            {
                switch (variables.ValueKind)
                {
                    case JsonValueKind.Array:
                        if (template.HasNonBody)
                            return Fail(9, "message_variables must be an object with header, body, footer" + (withButtons ? " and buttons" : "") + " for this template.");
                        if (!AllScalars(variables)) return Fail(2, "message_variables must hold text values.");
                        body = Texts(variables);
                        break;
                    case JsonValueKind.Object:
                        var names = variables.EnumerateObject().Select(p => p.Name.ToLowerInvariant()).ToList();
                        if (names.Any(n => n == "header" || n == "body" || n == "footer" || n == "buttons"))
                        {
                            var sections = withButtons ? new[] { "header", "body", "footer", "buttons" } : new[] { "header", "body", "footer" };
                            foreach (var section in sections)
                            {
                                if (!Json.JsonFields.TryGet(variables, section, out var list))
                                    return Fail(1, $"You must supply message_variables.{section} (use [] when the section has no variables).");
                                if (list.ValueKind != JsonValueKind.Array || !AllScalars(list))
                                    return Fail(2, $"message_variables.{section} must be an array of text values.");
                            }
                            Json.JsonFields.TryGet(variables, "header", out var header);
                            Json.JsonFields.TryGet(variables, "body", out var bodyList);
                            Json.JsonFields.TryGet(variables, "footer", out var footer);
                            h = header.GetArrayLength();
                            body = Texts(bodyList);
                            f = footer.GetArrayLength();
                            if (withButtons && Json.JsonFields.TryGet(variables, "buttons", out var buttons)) k = buttons.GetArrayLength();
                        }
                        else
                        {
                            // The {"1": "Alex"} map: placeholders of the body by number.
                            if (template.HasNonBody)
                                return Fail(9, "Variables keyed by number fit body-only templates; give sections for this template.");
                            body = variables.EnumerateObject().OrderBy(p => int.TryParse(p.Name, out var n) ? n : int.MaxValue)
                                .Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()).ToList();
                        }
                        break;
                    default:
                        return Fail(2, "message_variables must be an array or an object.");
                }
            }
            if (h != template.HeaderCount || body.Count != template.BodyCount || f != template.FooterCount || k != (withButtons ? template.ButtonCount : 0))
            {
                return Fail(4, $"Wrong number of variables: the template expects header {template.HeaderCount}, body {template.BodyCount}, footer {template.FooterCount}" +
                               (withButtons ? $", buttons {template.ButtonCount}" : "") + $"; got header {h}, body {body.Count}, footer {f}" + (withButtons ? $", buttons {k}" : "") + ".");
            }
            return new Checked { Body = body };
        }

        private static Checked Fail(int code, string text) => new Checked { Code = code, Error = text };

        private static bool AllScalars(JsonElement array) =>
            array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String || e.ValueKind == JsonValueKind.Number);

        private static List<string> Texts(JsonElement array) =>
            array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()).ToList();
    }
}
