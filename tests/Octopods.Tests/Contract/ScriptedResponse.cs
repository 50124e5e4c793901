using System.Collections.Generic;

namespace Octopods.Tests.Contract
{
    /// <summary>An answer the <see cref="ScriptedServer"/> writes as given: status, extra headers, body text (sent as UTF-8).</summary>
    public sealed class ScriptedResponse
    {
        public ScriptedResponse(int status, string body, string? contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers)
        {
            Status = status;
            Body = body;
            ContentType = contentType;
            Headers = headers;
        }

        public int Status { get; }
        public string Body { get; }

        /// <summary>Null sends no Content-Type at all.</summary>
        public string? ContentType { get; }

        public IReadOnlyList<(string Name, string Value)> Headers { get; }

        /// <summary>A JSON answer with the given status.</summary>
        public static ScriptedResponse Json(int status, string body) => new ScriptedResponse(status, body);
    }
}
