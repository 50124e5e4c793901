using System;

namespace Octopods.Errors
{
    /// <summary>
    /// One named failure. <see cref="ErrorName"/> is stable (PhoneInvalid, DeprecatedApiKey, …) and
    /// becomes the FullyQualifiedErrorId "Octopods.&lt;name&gt;" in PowerShell. The message carries the
    /// API's own text, the request_id to quote to support, and what to do.
    /// </summary>
    public class OctopodsException : Exception
    {
        public OctopodsException(string errorName, OctopodsErrorKind kind, string message, string? fix = null,
            Exception? innerException = null)
            : base(Compose(message, null, fix), innerException)
        {
            ErrorName = errorName;
            Kind = kind;
            Detail = message;
            Fix = fix;
        }

        private OctopodsException(ApiErrorInfo info, Exception? inner)
            : base(Compose(info.Text, info, info.Fix), inner)
        {
            ErrorName = info.Name;
            Kind = info.Kind;
            Detail = info.Text;
            Fix = info.Fix;
            ApiErrorCode = info.Code;
            RequestId = info.RequestId;
            HttpStatus = info.HttpStatus;
            Channel = info.Channel;
        }

        internal static OctopodsException FromApi(ApiErrorInfo info, Exception? inner = null) => new OctopodsException(info, inner);

        public string ErrorName { get; }
        public OctopodsErrorKind Kind { get; }
        /// <summary>The text without request id and fix: the API's own words, or ours for client-side checks.</summary>
        public string Detail { get; }
        public string? Fix { get; }
        public int? ApiErrorCode { get; }
        public string? RequestId { get; }
        public int? HttpStatus { get; }
        public OctopodsChannel? Channel { get; }

        /// <summary>The message without its fix (the text, and the API's code and request_id), for a view that shows the fix on its own line.</summary>
        public string Statement => Compose(Detail, ApiErrorCode.HasValue || HttpStatus.HasValue || RequestId != null
            ? new ApiErrorInfo { Code = ApiErrorCode, HttpStatus = HttpStatus, RequestId = RequestId, Channel = Channel ?? default } : null, null);

        private static string Compose(string text, ApiErrorInfo? info, string? fix)
        {
            var message = text.TrimEnd();
            if (info != null)
            {
                var parts = new System.Collections.Generic.List<string>();
                if (info.Code.HasValue) parts.Add($"Octopods {info.Channel} error {info.Code.Value}");
                else if (info.HttpStatus.HasValue) parts.Add($"HTTP {info.HttpStatus.Value}");
                if (!string.IsNullOrEmpty(info.RequestId)) parts.Add($"request_id {info.RequestId}");
                if (parts.Count > 0) message += $" ({string.Join(", ", parts)})";
            }
            if (!message.EndsWith(".", StringComparison.Ordinal)) message += ".";
            if (!string.IsNullOrEmpty(fix)) message += " " + fix;
            return message;
        }
    }
}
