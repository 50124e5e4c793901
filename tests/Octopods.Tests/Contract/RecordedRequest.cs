using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Octopods.Tests.Contract
{
    /// <summary>One request exactly as it reached the socket: request line, header lines in order, body bytes.</summary>
    public sealed class RecordedRequest
    {
        public RecordedRequest(string method, string target, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body)
        {
            Method = method;
            Target = target;
            Headers = headers;
            Body = body;
        }

        public string Method { get; }

        /// <summary>Path and query as written in the request line, e.g. /api/v1/whatsapp/messages?limit=100.</summary>
        public string Target { get; }

        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

        public byte[] Body { get; }

        /// <summary>The body decoded as UTF-8, the only encoding JSON allows between systems (RFC 8259).</summary>
        public string BodyText => Encoding.UTF8.GetString(Body);

        /// <summary>Every value a header arrived with (names compare without case, as HTTP says).</summary>
        public IReadOnlyList<string> All(string name) =>
            Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();

        /// <summary>The header's single value; null when absent. Two copies of one header fail the test here.</summary>
        public string? Header(string name)
        {
            var values = All(name);
            if (values.Count > 1) throw new InvalidOperationException($"Header {name} was sent {values.Count} times: {string.Join(" | ", values)}");
            return values.Count == 0 ? null : values[0];
        }

        public override string ToString() => $"{Method} {Target}";
    }
}
