using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;

namespace Octopods.WhatsApp
{
    /// <summary>One recent API-sent WhatsApp message: what Get-OctopodsWhatsAppMessage writes.</summary>
    public sealed class WhatsAppMessage
    {
        /// <summary>Empty in the bare-array listing shape, which carries no message_id.</summary>
        public string? MessageId { get; set; }
        public string? PhoneNumber { get; set; }
        public string? Status { get; set; }
        public bool IsTerminal => WhatsAppStatuses.IsTerminal(Status);
        public string? FailureReason { get; set; }
        public string? ChannelMessageId { get; set; }
        public string? Content { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        /// <summary>The request_id of the listing answer that carried this message.</summary>
        public string? RequestId { get; set; }
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;

        /// <summary>
        /// Both documented listing shapes: a bare array of {user_phone_number, created_at,
        /// message_content, message_status: {channel_message_id, message_status, failure_reason}}, or
        /// {"request_id", "messages": [{message_id, status, phone_number, sent_at, failure_reason}]}.
        /// </summary>
        internal static IReadOnlyList<WhatsAppMessage> ListFromJson(JsonElement root)
        {
            var requestId = root.ValueKind == JsonValueKind.Object ? JsonFields.GetId(root, "request_id") : null;
            JsonElement items;
            if (root.ValueKind == JsonValueKind.Array) items = root;
            else if (!(JsonFields.TryGet(root, "messages", out items) || JsonFields.TryGet(root, "data", out items)) || items.ValueKind != JsonValueKind.Array)
                return Array.Empty<WhatsAppMessage>();
            return items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(i => FromJson(i, requestId)).ToList();
        }

        internal static WhatsAppMessage FromJson(JsonElement item, string? requestId)
        {
            // The bare-array shape nests the status in message_status; the object shape keeps it flat.
            var nested = JsonFields.TryGet(item, "message_status", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : (JsonElement?)null;
            var statusSource = nested ?? item;
            var status = nested.HasValue
                ? JsonFields.GetString(inner, "message_status") ?? JsonFields.GetString(inner, "status")
                : JsonFields.GetString(item, "status") ?? JsonFields.GetString(item, "message_status");
            return new WhatsAppMessage
            {
                MessageId = JsonFields.GetId(item, "message_id"),
                PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(item, "phone_number") ?? JsonFields.GetString(item, "user_phone_number")),
                Status = WhatsAppStatuses.Normalize(status),
                FailureReason = JsonFields.GetFailureReason(statusSource) ?? (nested.HasValue ? JsonFields.GetFailureReason(item) : null),
                ChannelMessageId = JsonFields.GetString(statusSource, "channel_message_id") ?? JsonFields.GetString(item, "channel_message_id"),
                Content = JsonFields.GetString(item, "message_content") ?? JsonFields.GetString(item, "content"),
                SentAt = JsonFields.GetTime(item, "sent_at") ?? JsonFields.GetTime(item, "created_at"),
                RequestId = requestId,
                RawResponse = item.GetRawText(),
            };
        }

        public override string ToString() => $"{MessageId ?? ChannelMessageId} -> {PhoneNumber}: {Status}";
    }
}
