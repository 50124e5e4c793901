using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Octopods.Errors;
using Octopods.Json;
using Octopods.Text;

namespace Octopods.Templates
{
    /// <summary>
    /// The message_variables of one send. Sections are kept as lists of text; a raw value is kept as
    /// the JSON it will be written as, so it reaches the service exactly as given.
    /// </summary>
    internal sealed class TemplateVariables
    {

        private TemplateVariables(TemplateVariablesShape shape, IReadOnlyList<string> header, IReadOnlyList<string> body,
            IReadOnlyList<string> footer, IReadOnlyList<string> buttons, string? rawJson)
        {
            Shape = shape;
            Header = header;
            Body = body;
            Footer = footer;
            Buttons = buttons;
            RawJson = rawJson;
        }

        public TemplateVariablesShape Shape { get; }
        public IReadOnlyList<string> Header { get; }
        public IReadOnlyList<string> Body { get; }
        public IReadOnlyList<string> Footer { get; }
        public IReadOnlyList<string> Buttons { get; }
        /// <summary>The -Variables value as JSON (Raw shape only).</summary>
        public string? RawJson { get; }

        public static readonly TemplateVariables None = new TemplateVariables(TemplateVariablesShape.None,
            Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), null);

        /// <summary>
        /// Variables by section. Only body values: the plain list the contract documents for body-only
        /// templates. Any header, footer or button value: the object with every section present.
        /// </summary>
        public static TemplateVariables FromSections(IEnumerable<string?>? header, IEnumerable<string?>? body,
            IEnumerable<string?>? footer, IEnumerable<string?>? buttons)
        {
            // Null means "not given"; an empty list given on purpose still counts as given.
            if (header != null || footer != null || buttons != null)
                return new TemplateVariables(TemplateVariablesShape.Sections, Texts(header, "Header"), Texts(body, "Body"), Texts(footer, "Footer"), Texts(buttons, "Button"), null);
            if (body != null)
                return new TemplateVariables(TemplateVariablesShape.List, Array.Empty<string>(), Texts(body, "Body"), Array.Empty<string>(), Array.Empty<string>(), null);
            return None;
        }

        /// <summary>
        /// A value passed through unchanged: a list, a dictionary (sections or a {"1": …} map), or JSON
        /// text of either. Plain .NET values only; the cmdlets unwrap PowerShell's wrappers first.
        /// </summary>
        public static TemplateVariables FromRaw(object? value)
        {
            if (value == null) return None;
            string json;
            if (value is string text)
            {
                var trimmed = text.Trim();
                if (trimmed.StartsWith("[", StringComparison.Ordinal) || trimmed.StartsWith("{", StringComparison.Ordinal))
                {
                    try
                    {
                        using var document = JsonDocument.Parse(trimmed);
                        json = document.RootElement.GetRawText();
                    }
                    catch (JsonException ex)
                    {
                        throw new OctopodsException(ErrorNames.TypeMismatch, OctopodsErrorKind.InvalidArgument,
                            $"-Variables looks like JSON but cannot be read: {ex.Message}",
                            "Give a list (-Variables 'Alex','1234'), a hashtable (@{ header = @(); body = @('Alex') ; footer = @(); buttons = @() }) or valid JSON text.");
                    }
                }
                else
                {
                    // One bare value is a one-variable list: the friendliest reading of -Variables 'Alex'.
                    json = Write(w => { w.WriteStartArray(); w.WriteStringValue(text); w.WriteEndArray(); });
                }
            }
            else if (value is IDictionary || (value is IEnumerable && !(value is string)))
            {
                json = Write(w => WriteValue(w, value));
            }
            else
            {
                json = Write(w => { w.WriteStartArray(); WriteValue(w, value); w.WriteEndArray(); });
            }

            using var parsed = JsonDocument.Parse(json);
            var root = parsed.RootElement;
            var empty = Array.Empty<string>();
            if (root.ValueKind == JsonValueKind.Array)
                return new TemplateVariables(TemplateVariablesShape.Raw, empty, Checked(Strings(root), "Body"), empty, empty, json);
            // An object: sections when it names them, else a {"1": …} map (checked against nothing).
            return new TemplateVariables(TemplateVariablesShape.Raw,
                Checked(Section(root, "header"), "Header"), Checked(Section(root, "body"), "Body"),
                Checked(Section(root, "footer"), "Footer"), Checked(Section(root, "buttons"), "Button"), json);
        }

        /// <summary>True when a raw object names sections (header/body/footer/buttons) rather than placeholder numbers.</summary>
        public bool RawIsSections
        {
            get
            {
                if (Shape != TemplateVariablesShape.Raw || RawJson == null) return false;
                using var document = JsonDocument.Parse(RawJson);
                return document.RootElement.ValueKind == JsonValueKind.Object &&
                       document.RootElement.EnumerateObject().Any(p => IsSectionName(p.Name));
            }
        }

        /// <summary>True when the variables go out as a plain JSON array.</summary>
        public bool IsArray
        {
            get
            {
                if (Shape == TemplateVariablesShape.List) return true;
                if (Shape != TemplateVariablesShape.Raw || RawJson == null) return false;
                return RawJson.TrimStart().StartsWith("[", StringComparison.Ordinal);
            }
        }

        private static bool IsSectionName(string name) =>
            name.Equals("header", StringComparison.OrdinalIgnoreCase) || name.Equals("body", StringComparison.OrdinalIgnoreCase) ||
            name.Equals("footer", StringComparison.OrdinalIgnoreCase) || name.Equals("buttons", StringComparison.OrdinalIgnoreCase);

        /// <summary>Writes the message_variables field, or nothing for <see cref="TemplateVariablesShape.None"/>.</summary>
        public void WriteTo(Utf8JsonWriter writer, bool withButtons)
        {
            switch (Shape)
            {
                case TemplateVariablesShape.None:
                    return;
                case TemplateVariablesShape.Raw:
                    writer.WritePropertyName("message_variables");
                    using (var document = JsonDocument.Parse(RawJson!)) document.RootElement.WriteTo(writer);
                    return;
                case TemplateVariablesShape.List:
                    writer.WritePropertyName("message_variables");
                    WriteList(writer, Body);
                    return;
                default:
                    writer.WritePropertyName("message_variables");
                    writer.WriteStartObject();
                    writer.WritePropertyName("header"); WriteList(writer, Header);
                    writer.WritePropertyName("body"); WriteList(writer, Body);
                    writer.WritePropertyName("footer"); WriteList(writer, Footer);
                    if (withButtons) { writer.WritePropertyName("buttons"); WriteList(writer, Buttons); }
                    writer.WriteEndObject();
                    return;
            }
        }

        /// <summary>
        /// The message_variables the service receives, as canonical JSON for a bulk row's identity:
        /// no whitespace and every object's keys in ordinal order, so the same values give the same
        /// text in every run (a hashtable's key order differs between processes). Empty for none.
        /// </summary>
        public string CanonicalJson(bool withButtons, bool comparable = false)
        {
            if (Shape == TemplateVariablesShape.None) return "";
            var wrapped = Write(w =>
            {
                w.WriteStartObject();
                WriteTo(w, withButtons);
                w.WriteEndObject();
            });
            using var document = JsonDocument.Parse(wrapped);
            return Write(w => WriteCanonical(w, document.RootElement.GetProperty("message_variables"), comparable));
        }

        private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element, bool comparable)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(property.Name);
                        WriteCanonical(writer, property.Value, comparable);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) WriteCanonical(writer, item, comparable);
                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String when comparable:
                    writer.WriteStringValue(ComparableText.Of(element.GetString()));
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }

        /// <summary>The variables as a short text for -WhatIf and errors.</summary>
        public override string ToString() => Shape switch
        {
            TemplateVariablesShape.None => "no variables",
            TemplateVariablesShape.List => $"{Body.Count} body variable(s)",
            TemplateVariablesShape.Sections => $"header {Header.Count}, body {Body.Count}, footer {Footer.Count}, buttons {Buttons.Count}",
            _ => "raw variables " + (RawJson!.Length <= 60 ? RawJson : RawJson.Substring(0, 60) + "…"),
        };

        private static void WriteList(Utf8JsonWriter writer, IEnumerable<string> values)
        {
            writer.WriteStartArray();
            foreach (var value in values) writer.WriteStringValue(value);
            writer.WriteEndArray();
        }

        private static string[] Texts(IEnumerable<string?>? values, string section)
        {
            if (values == null) return Array.Empty<string>();
            var texts = values.Select(v => v ?? "").ToArray();
            for (var i = 0; i < texts.Length; i++) UnicodeText.ThrowIfBroken(texts[i], $"Variable {i + 1}");
            return Checked(texts, section);
        }

        /// <summary>No template's text holds more (WhatsApp's body limit); a longer value is a wrong column, not a message.</summary>
        public const int LongestValue = 1024;

        /// <summary>
        /// Refuses a value the service would refuse or that cannot be meant: empty or blank (WhatsApp
        /// refuses an empty parameter; an empty CSV cell fills nothing), or longer than any template holds.
        /// </summary>
        private static string[] Checked(string[] values, string section)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]))
                    throw new OctopodsException(ErrorNames.VariableInvalid, OctopodsErrorKind.InvalidArgument,
                        $"{section} variable {i + 1} is empty; the template's placeholder would be left blank, which the service refuses, so it was not sent",
                        "Give every placeholder a value: check the column it is read from (an empty cell in this row), or the order of the values.");
                if (values[i].Length > LongestValue)
                    throw new OctopodsException(ErrorNames.VariableInvalid, OctopodsErrorKind.InvalidArgument,
                        $"{section} variable {i + 1} is {values[i].Length:N0} characters long, more than a template's whole text holds ({LongestValue:N0}); it was not sent",
                        "Check the column it is read from: it holds something other than this placeholder's value.");
            }
            return values;
        }

        private static string[] Strings(JsonElement array) =>
            array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()).ToArray();

        private static string[] Section(JsonElement obj, string name)
        {
            foreach (var property in obj.EnumerateObject())
                if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array)
                    return Strings(property.Value);
            return Array.Empty<string>();
        }

        private static string Write(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(JsonWriting.Bytes(write));

        private static void WriteValue(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string s: writer.WriteStringValue(s); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case int or long or short or byte or decimal or double or float or uint or ulong or ushort or sbyte:
                    writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!); break;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                        WriteValue(writer, entry.Value);
                    }
                    writer.WriteEndObject();
                    break;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (var item in items) WriteValue(writer, item);
                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }
}
