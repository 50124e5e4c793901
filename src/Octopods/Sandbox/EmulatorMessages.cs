using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Octopods.Json;

namespace Octopods.Sandbox
{
    /// <summary>An HTTP request as the emulator sees it, whichever way it arrived (in-process or over a socket).</summary>
    public sealed class EmulatorRequest
    {
        public EmulatorRequest(string method, string path, string? query, IDictionary<string, string>? headers, string? body, Uri baseUri)
        {
            Method = method.ToUpperInvariant();
            Path = path;
            Query = query ?? "";
            Headers = new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
            Body = body ?? "";
            BaseUri = baseUri;
        }

        public string Method { get; }
        public string Path { get; }
        public string Query { get; }
        public IDictionary<string, string> Headers { get; }
        public string Body { get; }
        /// <summary>The scheme and authority the caller used, for URLs the emulator hands back.</summary>
        public Uri BaseUri { get; }

        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    public sealed class EmulatorResponse
    {
        public EmulatorResponse(int statusCode, string body, IDictionary<string, string>? headers = null)
        {
            StatusCode = statusCode;
            Body = body;
            Headers = headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        public int StatusCode { get; }
        public string Body { get; }
        public IDictionary<string, string> Headers { get; }

        public static EmulatorResponse Json(int statusCode, Action<Utf8JsonWriter> writeFields) =>
            new EmulatorResponse(statusCode, JsonText.Object(writeFields));

        /// <summary>The documented error shape: {"request_id", "error_code", "error"}.</summary>
        public static EmulatorResponse Error(int statusCode, string requestId, int? code, string text) =>
            Json(statusCode, w =>
            {
                w.WriteString("request_id", requestId);
                if (code.HasValue) w.WriteNumber("error_code", code.Value);
                w.WriteString("error", text);
            });
    }

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
