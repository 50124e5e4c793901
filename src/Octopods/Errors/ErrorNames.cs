namespace Octopods.Errors
{
    /// <summary>The error names, shared by client-side checks and API answers so both read the same.</summary>
    internal static class ErrorNames
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
        public const string BaseUriInvalid = "BaseUriInvalid";
        public const string JournalTargetMismatch = "JournalTargetMismatch";
        public const string JournalRuleChanged = "JournalRuleChanged";
        public const string IdempotencyKeyInvalid = "IdempotencyKeyInvalid";
        public const string SandboxStoreUnusable = "SandboxStoreUnusable";
        public const string SandboxStoreNotOurs = "SandboxStoreNotOurs";
        public const string VariableInvalid = "VariableInvalid";
        public const string DuplicateRow = "DuplicateRow";
        public const string TrackingPropertyInvalid = "TrackingPropertyInvalid";
        public const string JournalPathMissing = "JournalPathMissing";
        public const string YesNoInvalid = "YesNoInvalid";
        public const string RecipientOptedOut = "RecipientOptedOut";
        public const string OptOutFileInvalid = "OptOutFileInvalid";
        public const string OptOutNotFound = "OptOutNotFound";
        public const string OptOutChannelInvalid = "OptOutChannelInvalid";
        public const string OptOutTimeInvalid = "OptOutTimeInvalid";
        public const string ProxyFailed = "ProxyFailed";
        public const string SettingsFileNotOurs = "SettingsFileNotOurs";
        public const string ServiceOutage = "ServiceOutage";
        public const string KeyRefusedStop = "KeyRefusedStop";
        public const string BodyControlCharacter = "BodyControlCharacter";
        public const string SettingsPathRelative = "SettingsPathRelative";
        public const string NotConnected = "NotConnected";
        public const string ApiKeyEmpty = "ApiKeyEmpty";
        public const string SecretManagementMissing = "SecretManagementMissing";
        public const string SecretNotFound = "SecretNotFound";
        public const string VaultLocked = "VaultLocked";
        public const string SecretWrongType = "SecretWrongType";
        public const string SecretVaultError = "SecretVaultError";
        // WhatsApp and VBM template sends (the API's ARGUMENT_MISSING, TYPE_MISMATCH, … in PascalCase).
        public const string ArgumentMissing = "ArgumentMissing";
        public const string TypeMismatch = "TypeMismatch";
        public const string TemplateNotExist = "TemplateNotExist";
        public const string VariablesSize = "VariablesSize";
        public const string InvalidHeader = "InvalidHeader";
        /// <summary>Code 9: variables given as a plain array to a template with non-body placeholders.</summary>
        public const string VariablesShape = "VariablesShape";
        public const string InvalidStatus = "InvalidStatus";
        /// <summary>Client-side: the template exists but is not Accepted, so it cannot be sent.</summary>
        public const string TemplateNotAccepted = "TemplateNotAccepted";
        /// <summary>Client-side: variables given both raw (-Variables) and by section.</summary>
        public const string VariablesConflict = "VariablesConflict";

        // Bulk sends and their journal.
        public const string JournalUnavailable = "JournalUnavailable";
        public const string DuplicateIdempotencyKey = "DuplicateIdempotencyKey";
        /// <summary>Bulk: the run stopped (Ctrl+C) before this row's request left; nothing was sent.</summary>
        public const string SendStopped = "SendStopped";
        /// <summary>Bulk: an earlier 429 asked for a wait longer than allowed; until then sends fail without being tried.</summary>
        public const string RateLimitBlocked = "RateLimitBlocked";
        public const string ApiKeyInvalid = "ApiKeyInvalid";
        public const string Redirected = "Redirected";
        public const string ResponseTooLarge = "ResponseTooLarge";
        public const string EndpointNotFound = "EndpointNotFound";
        public const string JournalNotRecognized = "JournalNotRecognized";
        /// <summary>Get-OctopodsSendReport: no journal at the path given.</summary>
        public const string JournalNotFound = "JournalNotFound";
        public const string TextInvalid = "TextInvalid";
        public const string AmbiguousColumns = "AmbiguousColumns";

        // Settings (Set-OctopodsConfiguration, the settings file) and the proxy.
        /// <summary>-Proxy is not System, None or an absolute http(s) address, holds a password, or conflicts with the other proxy settings.</summary>
        public const string ProxyInvalid = "ProxyInvalid";
        /// <summary>A timeout, retry cap or wait outside what the module accepts.</summary>
        public const string SettingOutOfRange = "SettingOutOfRange";
        /// <summary>The settings file cannot be read, is not JSON, or holds an unknown or bad setting.</summary>
        public const string SettingsFileInvalid = "SettingsFileInvalid";
        /// <summary>The proxy answered 407: it wants credentials, or refused the ones given. Nothing reached the service.</summary>
        public const string ProxyAuthenticationRequired = "ProxyAuthenticationRequired";
    }
}
