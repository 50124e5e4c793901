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

        private OctopodsException(OctopodsException of, string lead, long? inputRow)
            : base(Compose(lead + ": " + of.Detail, Info(of), of.Fix), of.InnerException)
        {
            ErrorName = of.ErrorName;
            Kind = of.Kind;
            Detail = lead + ": " + of.Detail;
            Fix = of.Fix;
            ApiErrorCode = of.ApiErrorCode;
            RequestId = of.RequestId;
            HttpStatus = of.HttpStatus;
            Channel = of.Channel;
            InputRow = inputRow;
        }

        /// <summary>The same error, its text led by the row it is about ("Row 3 (CustomerId C-17): …"); itself when <paramref name="lead"/> is empty.</summary>
        internal OctopodsException ForRow(string lead, long? inputRow) =>
            string.IsNullOrEmpty(lead) || InputRow.HasValue ? this : new OctopodsException(this, lead, inputRow);

        public string ErrorName { get; }
        public OctopodsErrorKind Kind { get; }
        /// <summary>The text without request id and fix: the API's own words, or ours for client-side checks.</summary>
        public string Detail { get; }
        public string? Fix { get; }
        public int? ApiErrorCode { get; }
        public string? RequestId { get; }
        public int? HttpStatus { get; }
        public OctopodsChannel? Channel { get; }
        /// <summary>The position of the input row the error is about (1 for the first row piped in); null when it is not a row's.</summary>
        public long? InputRow { get; }

        /// <summary>The message without its fix (the text, and the API's code and request_id), for a view that shows the fix on its own line.</summary>
        public string Statement => Compose(Detail, Info(this), null);

        private static ApiErrorInfo? Info(OctopodsException ex) => ex.ApiErrorCode.HasValue || ex.HttpStatus.HasValue || ex.RequestId != null
            ? new ApiErrorInfo { Code = ex.ApiErrorCode, HttpStatus = ex.HttpStatus, RequestId = ex.RequestId, Channel = ex.Channel ?? default } : null;

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
