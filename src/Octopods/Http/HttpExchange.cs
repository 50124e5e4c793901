using System;

namespace Octopods.Http
{
    /// <summary>One HTTP request and its answer, as logged for -Verbose and -Debug. Never holds the key.</summary>
    internal sealed class HttpExchange
    {
        public string Method { get; internal set; } = "";
        public string Path { get; internal set; } = "";
        public int? StatusCode { get; internal set; }
        public TimeSpan Duration { get; internal set; }
        public string? RequestId { get; internal set; }
        public int Attempt { get; internal set; }
        public string? RequestBody { get; internal set; }
        public string? ResponseBody { get; internal set; }
        /// <summary>The authentication header as sent, with the key redacted by the client.</summary>
        public string AuthHeader { get; internal set; } = ApiKey.Redacted;
        /// <summary>What went wrong when there was no answer (timeout, connection refused).</summary>
        public string? Failure { get; internal set; }

        public string Summary =>
            $"{Method} {Path} -> {(StatusCode.HasValue ? StatusCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Failure ?? "no answer")}" +
            $" in {Duration.TotalMilliseconds:0} ms" +
            (Attempt > 1 ? $" (attempt {Attempt})" : "") +
            (RequestId != null ? $", request_id {RequestId}" : "");

        public string Details =>
            $"{Method} {Path}\n{OctopodsClient.AuthHeader}: {AuthHeader}\n{RequestBody ?? ""}\n--> {StatusCode}\n{ResponseBody ?? ""}";

        public override string ToString() => Summary;
    }
}
