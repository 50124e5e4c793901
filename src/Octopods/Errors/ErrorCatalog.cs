using System.Collections.Generic;

namespace Octopods.Errors
{
    /// <summary>
    /// Maps (channel, operation, error_code) to a stable name, a kind and the fix to tell the user.
    /// Error numbers are scoped per API family (docs/dev/api-contract.md#errors-and-401), so a bare
    /// number means nothing.
    /// </summary>
    internal static class ErrorCatalog
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

        // WhatsApp and VBM share one numbering (docs/dev/api-contract.md#whatsapp-and-vbm-error-codes). VBM
        // publishes no table of its own; its documented code 5 (phone) matches WhatsApp's, so the WhatsApp table, deprecated key 6 included, is used for both.
        static ErrorCatalog()
        {
            foreach (var channel in new[] { OctopodsChannel.WhatsApp, OctopodsChannel.Viber })
            {
                var flag = channel == OctopodsChannel.WhatsApp ? "-HeaderAttachmentUrl" : "-HeaderImageUrl";
                var send = new Dictionary<int, Entry>
                {
                    [1] = new Entry(ErrorNames.ArgumentMissing, OctopodsErrorKind.InvalidArgument,
                        $"Give every required value: -DestinationPhone, and {flag} for a template with a media header."),
                    [2] = new Entry(ErrorNames.TypeMismatch, OctopodsErrorKind.InvalidArgument,
                        "A value has the wrong JSON type: variables must be text, given as a list or as sections (-BodyVariable, -HeaderVariable, ...)."),
                    [3] = new Entry(ErrorNames.TemplateNotExist, OctopodsErrorKind.NotFound,
                        $"Check -TemplateId: list the accepted templates of this channel with Get-Octopods{channel}Template -Status accepted."),
                    [4] = new Entry(ErrorNames.VariablesSize, OctopodsErrorKind.InvalidArgument,
                        $"Give exactly as many variables per section as the template has placeholders (Get-Octopods{channel}Template shows the counts)."),
                    [5] = new Entry(ErrorNames.PhoneInvalid, OctopodsErrorKind.InvalidArgument,
                        "Write the number in E.164 form, e.g. +14155552671, or pass -DefaultRegion to convert national numbers."),
                    [6] = new Entry(ErrorNames.DeprecatedApiKey, OctopodsErrorKind.Authentication, DeprecatedKeyFix),
                    [8] = new Entry(ErrorNames.InvalidHeader, OctopodsErrorKind.InvalidArgument,
                        $"Give {flag} as a publicly reachable http(s) URL of a file of the header's type."),
                    [9] = new Entry(ErrorNames.VariablesShape, OctopodsErrorKind.InvalidArgument,
                        "The template has header, footer or button placeholders, so the variables must be sections: use -HeaderVariable, -BodyVariable, -FooterVariable and -ButtonVariable (or their -…Property forms)."),
                };
                foreach (var pair in send) Entries[(channel, ApiOperation.Send, pair.Key)] = pair.Value;
                Entries[(channel, ApiOperation.Status, 1)] = new Entry(ErrorNames.MessageIdMissing, OctopodsErrorKind.InvalidArgument,
                    $"Give the message_id that Send-Octopods{channel}Template returned.");
                Entries[(channel, ApiOperation.Templates, 3)] = send[3];
                Entries[(channel, ApiOperation.Templates, 10)] = new Entry(ErrorNames.InvalidStatus, OctopodsErrorKind.InvalidArgument,
                    "Use one of the statuses pending, under_review, needs_modification, rejected, accepted or deleted.");
                foreach (var operation in new[] { ApiOperation.Status, ApiOperation.Messages, ApiOperation.Templates })
                    Entries[(channel, operation, 6)] = send[6];
            }
        }

        public static Entry? Find(OctopodsChannel channel, ApiOperation operation, int code) =>
            Entries.TryGetValue((channel, operation, code), out var entry) ? entry : null;
    }
}
