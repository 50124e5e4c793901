using System;
using System.Text.Json;
using Octopods.Json;
using Octopods.Phones;
using Octopods.Polling;

namespace Octopods.Sms
{
    /// <summary>An accepted SMS: what Send-OctopodsSms writes. With -Wait the status fields hold the final state.</summary>
    public sealed class SmsSendResult : IFollowedMessage<SmsStatus>, Bulk.IInputRowResult
    {
        public string MessageId { get; set; } = "";
        public string? PhoneNumber { get; set; }
        public string? Status { get; set; }
        public bool IsTerminal => SmsStatuses.IsTerminal(Status);
        public string? FailureReason { get; set; }
        public string Encoding { get; set; } = "";
        public int Segments { get; set; }
        public string? ChannelMessageId { get; set; }
        public string? StatusUrl { get; set; }
        public string? RequestId { get; set; }
        public string? DestinationUserName { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public DateTimeOffset? LastUpdated { get; set; }
        public string? StatusMessage { get; set; }
        /// <summary>The service's answer as it came (keys redacted): kept off the properties, so
        /// Export-Csv and Format-List * leave this JSON out of a report; read it with GetRawResponse().</summary>
        internal string? RawResponse { get; set; }

        /// <summary>The service's answer as it came (keys redacted), for support or a field the module does not read.</summary>
        public string? GetRawResponse() => RawResponse;
        /// <summary>True when a resumed run found this message accepted in its journal and did not send it again.</summary>
        public bool FromJournal { get; set; }
        /// <summary>The position of the input row it was sent for (1 for the first row piped in); empty for a typed command.</summary>
        public long? InputRow { get; set; }

        internal static SmsSendResult FromJson(JsonElement root, string body, SmsSendRequest request) => new SmsSendResult
        {
            MessageId = JsonFields.GetId(root, "message_id") ?? "",
            RequestId = JsonFields.GetId(root, "request_id"),
            PhoneNumber = PhoneText.WithPlus(JsonFields.GetString(root, "phone_number")) ?? request.DestinationPhone,
            StatusUrl = JsonFields.GetString(root, "message_status_url"),
            ChannelMessageId = JsonFields.GetString(root, "channel_message_id"),
            Status = SmsStatuses.Normalize(JsonFields.GetString(root, "status")),
            Encoding = request.Segments.Encoding,
            Segments = request.Segments.Segments,
            DestinationUserName = request.DestinationUserName,
            RawResponse = body,
        };

        /// <summary>Takes the state a status poll found.</summary>
        public void Apply(SmsStatus status)
        {
            Status = status.Status;
            StatusMessage = status.StatusMessage;
            FailureReason = status.FailureReason;
            SentAt = status.SentAt;
            DeliveredAt = status.DeliveredAt;
            LastUpdated = status.LastUpdated;
            PhoneNumber = status.PhoneNumber ?? PhoneNumber;
        }

        public override string ToString() => $"{MessageId} -> {PhoneNumber}";
    }
}
