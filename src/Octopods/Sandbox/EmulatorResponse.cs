using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Octopods.Sandbox
{
    internal sealed class EmulatorResponse
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
}
