using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Octopods.Templates;

namespace Octopods.Sandbox
{
    /// <summary>One template the sandbox knows, as the template endpoints describe it.</summary>
    internal sealed class SandboxTemplate
    {
        public string Id = "";
        public string Name = "";
        public string Language = "en_US";
        public string Status = TemplateStatuses.Accepted;
        public bool Active = true;
        public string Category = "UTILITY";
        public string Body = "";
        /// <summary>TEXT, IMAGE, VIDEO, DOCUMENT or null for no header.</summary>
        public string? HeaderFormat;
        public string? HeaderText;
        public string? FooterText;
        /// <summary>URL buttons; each {{1}} in a URL is one button variable.</summary>
        public string[] ButtonUrls = Array.Empty<string>();
        public DateTimeOffset CreatedAt = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        public int HeaderCount => HeaderFormat == "TEXT" ? MessageTemplate.Count(HeaderText) : 0;
        public int BodyCount => MessageTemplate.Count(Body);
        public int FooterCount => MessageTemplate.Count(FooterText);
        public int ButtonCount => ButtonUrls.Sum(MessageTemplate.Count);
        public bool HasMediaHeader => HeaderFormat != null && HeaderFormat != "TEXT";
        public bool HasNonBody => HeaderCount + FooterCount + ButtonCount > 0;
        public bool IsAccepted => Status == TemplateStatuses.Accepted;

        public void Write(Utf8JsonWriter w, string accountPhone)
        {
            w.WriteString("template_id", Id);
            w.WriteString("template_name", Name);
            w.WriteString("template_language", Language);
            w.WriteString("template_category", Category);
            w.WriteString("template_body", Body);
            w.WriteString("template_status", Status);
            w.WriteBoolean("active", Active);
            w.WriteStartArray("template_components");
            if (HeaderFormat != null)
            {
                w.WriteStartObject();
                w.WriteString("type", "HEADER");
                w.WriteString("format", HeaderFormat);
                if (HeaderText != null) w.WriteString("text", HeaderText);
                w.WriteEndObject();
            }
            w.WriteStartObject();
            w.WriteString("type", "BODY");
            w.WriteString("text", Body);
            w.WriteEndObject();
            if (FooterText != null)
            {
                w.WriteStartObject();
                w.WriteString("type", "FOOTER");
                w.WriteString("text", FooterText);
                w.WriteEndObject();
            }
            if (ButtonUrls.Length > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "BUTTONS");
                w.WriteStartArray("buttons");
                foreach (var url in ButtonUrls)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "URL");
                    w.WriteString("text", "Open");
                    w.WriteString("url", url);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("account_phone_number", accountPhone);
            w.WriteTime("created_at", CreatedAt);
        }

        /// <summary>The body with the body variables filled in, as the history's message_content.</summary>
        public string Render(IReadOnlyList<string> body)
        {
            var text = Body;
            for (var i = 0; i < body.Count; i++) text = text.Replace("{{" + (i + 1) + "}}", body[i]);
            return text;
        }
    }
}
