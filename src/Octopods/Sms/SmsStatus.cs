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
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;

        internal static SmsStatus FromJson(JsonElement root, string body, string requestedId) => new SmsStatus
        {
            MessageId = JsonFields.GetId(root, "message_id") ?? requestedId,
            Status = SmsStatuses.Normalize(JsonFields.GetString(root, "status")),
            StatusMessage = JsonFields.GetString(root, "status_message"),
            FailureReason = JsonFields.GetFailureReason(root),
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")),
            SentAt = JsonFields.GetTime(root, "sent_at"),
            DeliveredAt = JsonFields.GetTime(root, "delivered_at"),
            LastUpdated = JsonFields.GetTime(root, "last_updated"),
            RequestId = JsonFields.GetId(root, "request_id"),
            RawResponse = body,
        };

        public override string ToString() => $"{MessageId}: {Status}";
    }
}
