using System;
using Octopods.Bulk;
using Octopods.Http;
using Octopods.Sms;
using Octopods.Templates;
using Octopods.Viber;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>Each channel's journal record of an accepted send, and the result a resumed run writes back from it.</summary>
    public class ChannelOperationsTests
    {
        private static OctopodsClient Client(OctopodsChannel channel) =>
            new OctopodsClient(new OctopodsClientOptions(channel, new ApiKey("k"), new Uri("https://stub.invalid/")));

        private static JournalEntry Entry(JournalOutcome outcome) => new JournalEntry
        {
            State = JournalState.Accepted,
            MessageId = outcome.MessageId,
            RequestId = outcome.RequestId,
            Status = outcome.Status,
            Destination = outcome.Destination,
            ChannelMessageId = outcome.ChannelMessageId,
        };

        [Fact]
        public void An_sms_comes_back_from_the_journal_with_its_ids_status_and_segments_but_no_text()
        {
            var operation = ChannelOperations.Sms(new SmsApi(Client(OctopodsChannel.Sms)));
            var request = SmsSendRequest.Create("+14155552671", "Ünïcode body 🚚", "Ann");
            var sent = new SmsSendResult { MessageId = "m1", RequestId = "r1", Status = "queued", PhoneNumber = "+14155552671", ChannelMessageId = "SM1" };

            var record = operation.Record(sent);
            var restored = operation.Restore(request, Entry(record));

            Assert.Equal(("m1", "r1", "+14155552671", "SM1"), (restored.MessageId, restored.RequestId, restored.PhoneNumber, restored.ChannelMessageId));
            Assert.Equal(SmsStatuses.Normalize("queued"), restored.Status);
            Assert.Equal(request.Segments.Encoding, restored.Encoding);
            Assert.Equal("Ann", restored.DestinationUserName);
            Assert.True(restored.FromJournal);
            Assert.Equal("Ünïcode body 🚚", operation.Content(request));
        }

        [Fact]
        public void A_whatsapp_template_keeps_its_status_and_a_viber_one_has_none()
        {
            var whatsApp = ChannelOperations.WhatsApp(new WhatsAppApi(Client(OctopodsChannel.WhatsApp)));
            var viber = ChannelOperations.Viber(new ViberApi(Client(OctopodsChannel.Viber)));
            var variables = TemplateVariables.FromSections(null, new[] { "Ann", "ORD-1" }, null, null);
            var waRequest = TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155550120", variables, destinationUserName: "Ann");
            var viberRequest = TemplateSendRequest.Create(OctopodsChannel.Viber, "2003", "+14155550140", variables);

            var wa = whatsApp.Restore(waRequest, Entry(whatsApp.Record(new WhatsAppSendResult { MessageId = "w1", Status = "sent", PhoneNumber = "+14155550120" })));
            var vb = viber.Restore(viberRequest, Entry(viber.Record(new ViberSendResult { MessageId = "v1", PhoneNumber = "+14155550140", RequestId = "r2" })));

            Assert.Equal(("w1", "1001", WhatsAppStatuses.Normalize("sent"), "Ann", true), (wa.MessageId, wa.TemplateId, wa.Status, wa.DestinationUserName, wa.FromJournal));
            Assert.Equal(("v1", "2003", "r2", true), (vb.MessageId, vb.TemplateId, vb.RequestId, vb.FromJournal));
            Assert.Null(viber.Record(vb).Status);
            Assert.NotEqual(whatsApp.Content(waRequest), whatsApp.Content(TemplateSendRequest.Create(OctopodsChannel.WhatsApp, "1001", "+14155550120",
                TemplateVariables.FromSections(null, new[] { "Ann", "ORD-2" }, null, null))));
        }
    }
}
