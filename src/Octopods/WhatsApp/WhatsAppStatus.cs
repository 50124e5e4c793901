using System;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.WhatsApp
{
    /// <summary>Where a WhatsApp message is now: what Get-OctopodsWhatsAppStatus writes.</summary>
    public sealed class WhatsAppStatus
    {
        public string MessageId { get; set; } = "";
        public string? Status { get; set; }
        public bool IsTerminal => WhatsAppStatuses.IsTerminal(Status);
        public string? StatusMessage { get; set; }
        public string? FailureReason { get; set; }
        public string? PhoneNumber { get; set; }
        /// <summary>WhatsApp's own id (wamid.…).</summary>
        public string? ChannelMessageId { get; set; }
        public string? IntercomConversationId { get; set; }
        public string? IntercomConversationPartId { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? ReadAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }
        public string? RequestId { get; set; }
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;

        internal static WhatsAppStatus FromJson(JsonElement root, string body, string requestedId)
        {
            // Some answers nest the status as in the message listing: message_status {message_status, failure_reason, …}.
            var nested = JsonFields.TryGet(root, "message_status", out var inner) && inner.ValueKind == JsonValueKind.Object;
            var status = JsonFields.GetString(root, "status") ??
                         (nested ? JsonFields.GetString(inner, "message_status") ?? JsonFields.GetString(inner, "status") : JsonFields.GetString(root, "message_status"));
            return new WhatsAppStatus
            {
                MessageId = JsonFields.GetId(root, "message_id") ?? requestedId,
                Status = WhatsAppStatuses.Normalize(status),
                StatusMessage = JsonFields.GetString(root, "status_message"),
                FailureReason = JsonFields.GetFailureReason(root) ?? (nested ? JsonFields.GetFailureReason(inner) : null),
                PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")),
                ChannelMessageId = JsonFields.GetString(root, "channel_message_id") ?? (nested ? JsonFields.GetString(inner, "channel_message_id") : null),
                IntercomConversationId = JsonFields.GetString(root, "intercom_conversation_id"),
                IntercomConversationPartId = JsonFields.GetString(root, "intercom_conversation_part_id"),
                SentAt = JsonFields.GetTime(root, "sent_at"),
                DeliveredAt = JsonFields.GetTime(root, "delivered_at"),
                ReadAt = JsonFields.GetTime(root, "read_at"),
                LastUpdated = JsonFields.GetTime(root, "last_updated"),
                RequestId = JsonFields.GetId(root, "request_id"),
                RawResponse = body,
            };
        }

        public override string ToString() => $"{MessageId}: {Status}";
    }
}
