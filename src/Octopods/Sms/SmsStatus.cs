using System;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.Sms
{
    /// <summary>Where an SMS is now: what Get-OctopodsSmsStatus writes.</summary>
    public sealed class SmsStatus
    {
        public string MessageId { get; set; } = "";
        public string? Status { get; set; }
        public bool IsTerminal => SmsStatuses.IsTerminal(Status);
        public string? StatusMessage { get; set; }
        public string? FailureReason { get; set; }
        public string? PhoneNumber { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }
        public string? RequestId { get; set; }
        /// <summary>The service's answer as it came, for fields this type does not map.</summary>
        public string? RawResponse { get; set; }

        public static SmsStatus FromJson(JsonElement root, string body, string requestedId) => new SmsStatus
        {
            MessageId = JsonFields.GetString(root, "message_id") ?? requestedId,
            Status = SmsStatuses.Normalize(JsonFields.GetString(root, "status")),
            StatusMessage = JsonFields.GetString(root, "status_message"),
            FailureReason = ReadFailureReason(root),
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")),
            SentAt = JsonFields.GetTime(root, "sent_at"),
            DeliveredAt = JsonFields.GetTime(root, "delivered_at"),
            LastUpdated = JsonFields.GetTime(root, "last_updated"),
            RequestId = JsonFields.GetString(root, "request_id"),
            RawResponse = body,
        };

        /// <summary>failure_reason is text in the SMS articles but {"code", "title"} in the WhatsApp ones.</summary>
        internal static string? ReadFailureReason(JsonElement root)
        {
            if (!JsonFields.TryGet(root, "failure_reason", out var value)) return null;
            if (value.ValueKind == JsonValueKind.Object)
            {
                var title = JsonFields.GetString(value, "title") ?? JsonFields.GetString(value, "message");
                var code = JsonFields.GetString(value, "code");
                return code != null && title != null ? $"{title} ({code})" : title ?? code;
            }
            return value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind == JsonValueKind.Null ? null : value.GetRawText();
        }

        public override string ToString() => $"{MessageId}: {Status}";
    }
}
