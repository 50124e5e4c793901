using System;
using System.Globalization;
using System.Text.Json;
using Octopods.Text;

namespace Octopods.Json
{
    /// <summary>
    /// Field readers that accept every variant the public articles disagree on: ids as numbers or
    /// strings, names in any case, times as ISO text or epoch seconds, null or missing fields.
    /// </summary>
    internal static class JsonFields
    {
        public static bool TryGet(JsonElement obj, string name, out JsonElement value)
        {
            value = default;
            if (obj.ValueKind != JsonValueKind.Object) return false;
            if (obj.TryGetProperty(name, out value)) return true;
            foreach (var property in obj.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// A field as text: strings as they are (but printable, <see cref="PrintableText.Of"/>: the JSON
        /// comes from a service or a file), numbers in their JSON spelling, null when absent or null.
        /// </summary>
        public static string? GetString(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value)) return null;
            switch (value.ValueKind)
            {
                case JsonValueKind.String: return PrintableText.Of(value.GetString());
                case JsonValueKind.Number: return value.GetRawText();
                case JsonValueKind.True: return "true";
                case JsonValueKind.False: return "false";
                case JsonValueKind.Object:
                case JsonValueKind.Array: return value.GetRawText();
                default: return null;
            }
        }

        /// <summary>A string field exactly as written, for JSON the module wrote itself (the sandbox's file, a journal's rule).</summary>
        public static string? GetRawString(JsonElement obj, string name) =>
            TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : GetString(obj, name);

        /// <summary>An id: a string or a number. Anything else (an object, an array, true) is no id at all.</summary>
        public static string? GetId(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value)) return null;
            var id = value.ValueKind switch
            {
                JsonValueKind.String => PrintableText.Id(value.GetString()),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
            return string.IsNullOrWhiteSpace(id) ? null : id;
        }

        public static int? GetInt(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
            if (value.ValueKind == JsonValueKind.String &&
                int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number)) return number;
            return null;
        }

        public static long? GetLong(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value)) return null;
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : (long?)null;
        }

        public static DateTimeOffset? GetTime(JsonElement obj, string name)
        {
            if (!TryGet(obj, name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var epoch))
            {
                // Seconds, or milliseconds when the number is too large to be seconds.
                return epoch > 100_000_000_000L
                    ? DateTimeOffset.FromUnixTimeMilliseconds(epoch)
                    : DateTimeOffset.FromUnixTimeSeconds(epoch);
            }
            if (value.ValueKind != JsonValueKind.String) return null;
            return ParseTime(value.GetString());
        }

        public static DateTimeOffset? ParseTime(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when)
                ? when.ToUniversalTime()
                : (DateTimeOffset?)null;
        }

        /// <summary>failure_reason is text in the SMS articles but {"code", "title"} in the WhatsApp ones.</summary>
        public static string? GetFailureReason(JsonElement root)
        {
            if (!TryGet(root, "failure_reason", out var value)) return null;
            if (value.ValueKind == JsonValueKind.Object)
            {
                var title = GetString(value, "title") ?? GetString(value, "message");
                var code = GetString(value, "code");
                return code != null && title != null ? $"{title} ({code})" : title ?? code;
            }
            return value.ValueKind == JsonValueKind.String ? PrintableText.Of(value.GetString()) : value.ValueKind == JsonValueKind.Null ? null : PrintableText.Of(value.GetRawText());
        }
    }
}
