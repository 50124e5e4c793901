using System;
using System.Collections.Generic;

namespace Octopods.Sandbox
{
    /// <summary>An HTTP request as the emulator sees it, whichever way it arrived (in-process or over a socket).</summary>
    internal sealed class EmulatorRequest
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
}
