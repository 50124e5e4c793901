using System;
using System.Text;
using System.Text.Json;
using Octopods.Json;

namespace Octopods.Sandbox
{
    internal static class JsonText
    {
        public static string Object(Action<Utf8JsonWriter> writeFields) => Encoding.UTF8.GetString(JsonWriting.JsonObject(writeFields));

        public static void WriteTime(this Utf8JsonWriter writer, string name, DateTimeOffset? when)
        {
            if (when.HasValue) writer.WriteString(name, when.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            else writer.WriteNull(name);
        }
    }
}
