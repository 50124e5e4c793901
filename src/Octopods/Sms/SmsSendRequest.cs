using Octopods.Errors;
using Octopods.Json;
using Octopods.Phones;
using Octopods.Text;

namespace Octopods.Sms
{
    /// <summary>A validated SMS send: everything the API would reject is rejected here first, under the API's names.</summary>
    internal sealed class SmsSendRequest
    {
        public const int MaxBodyCharacters = 1600;

        private SmsSendRequest(string phone, string body, string? userName, bool? openIntercom, string? teammateId)
        {
            DestinationPhone = phone;
            Body = body;
            DestinationUserName = userName;
            OpenIntercomConversation = openIntercom;
            IntercomTeammateId = teammateId;
            Segments = SmsSegments.Measure(body);
        }

        public string DestinationPhone { get; }
        public string Body { get; }
        public string? DestinationUserName { get; }
        public bool? OpenIntercomConversation { get; }
        public string? IntercomTeammateId { get; }
        public SmsSegmentInfo Segments { get; }

        /// <summary>Validates and normalises one send; throws a named <see cref="OctopodsException"/> on bad input.</summary>
        public static SmsSendRequest Create(string? destinationPhone, string? body, string? destinationUserName = null,
            bool? openIntercomConversation = null, string? intercomTeammateId = null, string? defaultRegion = null)
        {
            var phone = PhoneNumberNormalizer.Normalize(destinationPhone, defaultRegion);
            if (string.IsNullOrWhiteSpace(body))
            {
                throw new OctopodsException(ErrorNames.BodyEmpty, OctopodsErrorKind.InvalidArgument,
                    $"The message body for {phone} is empty",
                    "Give a non-blank -Body, or fill the Body, Message or Text column.");
            }
            UnicodeText.ThrowIfBroken(body, $"The message body for {phone}");
            for (var i = 0; i < body!.Length; i++)
            {
                // A NUL or an escape (a stray byte from an export, a terminal colour) shows on no phone and
                // may cut the text at the carrier: refused, not sent. Line breaks and tabs are text.
                var c = body[i];
                if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F)
                {
                    throw new OctopodsException(ErrorNames.BodyControlCharacter, OctopodsErrorKind.InvalidArgument,
                        $"The message body for {phone} has a control character (U+{(int)c:X4}) at position {i + 1}; it was not sent",
                        "Remove the character from the text (often a NUL or an escape left by an export); line breaks and tabs are fine.");
                }
            }
            var segments = SmsSegments.Measure(body);
            if (segments.Characters > MaxBodyCharacters)
            {
                throw new OctopodsException(ErrorNames.BodyTooLong, OctopodsErrorKind.InvalidArgument,
                    $"The message body for {phone} has {segments.Characters} characters; Octopods accepts at most {MaxBodyCharacters}",
                    "Shorten the text or split it into several messages.");
            }
            return new SmsSendRequest(phone, body!, Blank(destinationUserName), openIntercomConversation, Blank(intercomTeammateId));
        }

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text!.Trim();

        public byte[] ToJson() => JsonWriting.JsonObject(writer =>
        {
            writer.WriteString("destination_phone", DestinationPhone);
            writer.WriteString("body", Body);
            if (DestinationUserName != null) writer.WriteString("destination_user_name", DestinationUserName);
            if (OpenIntercomConversation.HasValue) writer.WriteBoolean("open_intercom_conversation", OpenIntercomConversation.Value);
            if (IntercomTeammateId != null) writer.WriteString("intercom_teammate_id", IntercomTeammateId);
        });

        public override string ToString() => $"SMS to {DestinationPhone} ({Segments})";
    }
}
