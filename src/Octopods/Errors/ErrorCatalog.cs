using System.Collections.Generic;

namespace Octopods.Errors
{
    /// <summary>Which call an error answered: the same number means different things per endpoint.</summary>
    public enum ApiOperation
    {
        Send,
        Status,
    }

    /// <summary>
    /// Maps (channel, operation, error_code) to a stable name, a kind and the fix to tell the user.
    /// Error numbers are scoped per API family (octopods-api.md), so a bare number means nothing.
    /// </summary>
    public static class ErrorCatalog
    {
        public sealed class Entry
        {
            public Entry(string name, OctopodsErrorKind kind, string fix)
            {
                Name = name;
                Kind = kind;
                Fix = fix;
            }

            public string Name { get; }
            public OctopodsErrorKind Kind { get; }
            public string Fix { get; }
        }

        private const string DeprecatedKeyFix =
            "The key is from an older format: copy the current key from the channel's settings screen in the Octopods app and connect again (Connect-Octopods -ApiKey).";

        private static readonly Dictionary<(OctopodsChannel, ApiOperation, int), Entry> Entries =
            new Dictionary<(OctopodsChannel, ApiOperation, int), Entry>
            {
                [(OctopodsChannel.Sms, ApiOperation.Send, 1)] = new Entry(ErrorNames.PhoneMissing, OctopodsErrorKind.InvalidArgument,
                    "Give the recipient with -DestinationPhone (or a To/Phone column)."),
                [(OctopodsChannel.Sms, ApiOperation.Send, 2)] = new Entry(ErrorNames.BodyEmpty, OctopodsErrorKind.InvalidArgument,
                    "Give a non-blank -Body (or Message/Text column)."),
                [(OctopodsChannel.Sms, ApiOperation.Send, 3)] = new Entry(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                    "Write the number in E.164 form, e.g. +14155552671, or pass -DefaultRegion to convert national numbers."),
                [(OctopodsChannel.Sms, ApiOperation.Send, 4)] = new Entry(ErrorNames.ProviderError, OctopodsErrorKind.ProviderError,
                    "The SMS provider (Twilio) refused the message: check the number can receive SMS, the sender's registration (A2P 10DLC for US long codes) and the send rate."),
                [(OctopodsChannel.Sms, ApiOperation.Send, 5)] = new Entry(ErrorNames.DeprecatedApiKey, OctopodsErrorKind.Authentication, DeprecatedKeyFix),
                // The overview article numbers the same error 6; accept both.
                [(OctopodsChannel.Sms, ApiOperation.Send, 6)] = new Entry(ErrorNames.DeprecatedApiKey, OctopodsErrorKind.Authentication, DeprecatedKeyFix),
                [(OctopodsChannel.Sms, ApiOperation.Status, 1)] = new Entry(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                    "Give the message_id that Send-OctopodsSms returned."),
                [(OctopodsChannel.Sms, ApiOperation.Status, 5)] = new Entry(ErrorNames.DeprecatedApiKey, OctopodsErrorKind.Authentication, DeprecatedKeyFix),
                [(OctopodsChannel.Sms, ApiOperation.Status, 6)] = new Entry(ErrorNames.DeprecatedApiKey, OctopodsErrorKind.Authentication, DeprecatedKeyFix),
            };

        public static Entry? Find(OctopodsChannel channel, ApiOperation operation, int code) =>
            Entries.TryGetValue((channel, operation, code), out var entry) ? entry : null;
    }

    /// <summary>The error names, shared by client-side checks and API answers so both read the same.</summary>
    public static class ErrorNames
    {
        public const string PhoneMissing = "PhoneMissing";
        public const string PhoneInvalid = "PhoneInvalid";
        public const string BodyEmpty = "BodyEmpty";
        public const string BodyTooLong = "BodyTooLong";
        public const string ProviderError = "ProviderError";
        public const string DeprecatedApiKey = "DeprecatedApiKey";
        public const string MessageIdMissing = "MessageIdMissing";
        public const string MessageNotFound = "MessageNotFound";
        public const string Unauthorized = "Unauthorized";
        public const string RateLimited = "RateLimited";
        public const string Timeout = "Timeout";
        public const string ConnectionFailed = "ConnectionFailed";
        public const string OutcomeUnknown = "OutcomeUnknown";
        public const string InvalidResponse = "InvalidResponse";
        public const string ServerError = "ServerError";
        public const string ApiError = "ApiError";
        public const string InsecureBaseUri = "InsecureBaseUri";
        public const string NotConnected = "NotConnected";
        public const string ApiKeyEmpty = "ApiKeyEmpty";
        public const string SecretManagementMissing = "SecretManagementMissing";
        public const string SecretNotFound = "SecretNotFound";
        public const string VaultLocked = "VaultLocked";
        public const string SecretWrongType = "SecretWrongType";
        public const string SecretVaultError = "SecretVaultError";
        // Bulk sends and their journal.
        public const string JournalUnavailable = "JournalUnavailable";
        public const string DuplicateIdempotencyKey = "DuplicateIdempotencyKey";
    }
}
