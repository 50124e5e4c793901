using Octopods.Sms;
using Octopods.Templates;
using Octopods.Viber;
using Octopods.WhatsApp;

namespace Octopods.Bulk
{
    /// <summary>
    /// The bulk operation of each channel: its POST, what makes a row distinct, and the one place
    /// where a channel's result meets the journal (what is kept of an accepted send, and the result a
    /// resumed run writes back from it). The result types know nothing of the journal.
    /// </summary>
    internal static class ChannelOperations
    {
        public static BulkOperation<SmsSendRequest, SmsSendResult> Sms(SmsApi api) =>
            new BulkOperation<SmsSendRequest, SmsSendResult>(OctopodsChannel.Sms, (request, context, token) => api.SendAsync(request, context, token),
                request => request.DestinationPhone,
                request => request.Body,
                result => new JournalOutcome
                {
                    MessageId = result.MessageId,
                    RequestId = result.RequestId,
                    Status = result.Status,
                    Destination = result.PhoneNumber,
                    ChannelMessageId = result.ChannelMessageId,
                },
                (request, entry) => new SmsSendResult
                {
                    MessageId = entry.MessageId ?? "",
                    RequestId = entry.RequestId,
                    PhoneNumber = entry.Destination ?? request.DestinationPhone,
                    Status = SmsStatuses.Normalize(entry.Status),
                    ChannelMessageId = entry.ChannelMessageId,
                    Encoding = request.Segments.Encoding,
                    Segments = request.Segments.Segments,
                    DestinationUserName = request.DestinationUserName,
                    FromJournal = true,
                });

        public static BulkOperation<TemplateSendRequest, WhatsAppSendResult> WhatsApp(WhatsAppApi api) =>
            new BulkOperation<TemplateSendRequest, WhatsAppSendResult>(OctopodsChannel.WhatsApp, (request, context, token) => api.SendAsync(request, context, token),
                request => request.DestinationPhone,
                request => request.IdentityContent,
                result => Record(result, result.Status),
                (request, entry) => Restore(new WhatsAppSendResult { Status = WhatsAppStatuses.Normalize(entry.Status) }, request, entry),
                request => request.ComparableIdentityContent);

        public static BulkOperation<TemplateSendRequest, ViberSendResult> Viber(ViberApi api) =>
            new BulkOperation<TemplateSendRequest, ViberSendResult>(OctopodsChannel.Viber, (request, context, token) => api.SendAsync(request, context, token),
                request => request.DestinationPhone,
                request => request.IdentityContent,
                result => Record(result, null),
                (request, entry) => Restore(new ViberSendResult(), request, entry),
                request => request.ComparableIdentityContent);

        /// <summary>What the journal keeps of an accepted template send: ids and destination, never the variables.</summary>
        private static JournalOutcome Record(TemplateSendResult result, string? status) => new JournalOutcome
        {
            MessageId = result.MessageId,
            RequestId = result.RequestId,
            Status = status,
            Destination = result.PhoneNumber,
            ChannelMessageId = result.ChannelMessageId,
        };

        private static TResult Restore<TResult>(TResult result, TemplateSendRequest request, JournalEntry entry) where TResult : TemplateSendResult
        {
            result.MessageId = entry.MessageId ?? "";
            result.TemplateId = request.TemplateId;
            result.RequestId = entry.RequestId;
            result.PhoneNumber = entry.Destination ?? request.DestinationPhone;
            result.ChannelMessageId = entry.ChannelMessageId;
            result.DestinationUserName = request.DestinationUserName;
            result.FromJournal = true;
            return result;
        }
    }
}
