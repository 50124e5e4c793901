using Octopods.Sms;
using Octopods.Templates;
using Octopods.WhatsApp;
using Xunit;

namespace Octopods.Tests.Contract
{
    /// <summary>
    /// Every status name the public pages and the contract (docs/dev/api-contract.md) list, in every
    /// spelling they use, mapped to the typed status and its terminal flag: the tables the emulator
    /// shares with the client, checked here against literals instead.
    /// </summary>
    public class StatusTableContractTests
    {
        [Theory]
        // docs/dev/api-contract.md#sms-status-reference "Status values" and "Polling tips" (lower case; terminal: delivered, failed, undelivered).
        [InlineData("queued", "Queued", false)]
        [InlineData("sent", "Sent", false)]
        [InlineData("delivered", "Delivered", true)]
        [InlineData("failed", "Failed", true)]
        [InlineData("undelivered", "Undelivered", true)]
        // docs/dev/api-contract.md#sms-api-overview "Delivery statuses" (capitalised).
        [InlineData("Queued", "Queued", false)]
        [InlineData("Sent", "Sent", false)]
        [InlineData("Delivered", "Delivered", true)]
        [InlineData("Failed", "Failed", true)]
        [InlineData("Undelivered", "Undelivered", true)]
        // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot status answer (upper case); statuses compare without case:
        // docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates.
        [InlineData("DELIVERED", "Delivered", true)]
        [InlineData("QUEUED", "Queued", false)]
        [InlineData("SENT", "Sent", false)]
        [InlineData("FAILED", "Failed", true)]
        [InlineData("UNDELIVERED", "Undelivered", true)]
        // docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates:
        // "an unknown value is kept as text, never a crash" — and it is not final.
        [InlineData("accepted_by_carrier", "accepted_by_carrier", false)]
        public void Sms_statuses(string raw, string expected, bool terminal)
        {
            Assert.Equal(expected, SmsStatuses.Normalize(raw));
            Assert.Equal(terminal, SmsStatuses.IsTerminal(SmsStatuses.Normalize(raw)));
        }

        [Theory]
        // docs/dev/api-contract.md#whatsapp-statuses: sent, delivered, read, failed, deleted, unknown (upper or lower case);
        // terminal: delivered, read, failed, deleted; unknown means retry shortly.
        [InlineData("sent", "Sent", false)]
        [InlineData("delivered", "Delivered", true)]
        [InlineData("read", "Read", true)]
        [InlineData("failed", "Failed", true)]
        [InlineData("deleted", "Deleted", true)]
        [InlineData("unknown", "Unknown", false)]
        [InlineData("SENT", "Sent", false)]
        [InlineData("DELIVERED", "Delivered", true)]
        [InlineData("READ", "Read", true)]
        [InlineData("FAILED", "Failed", true)]
        [InlineData("DELETED", "Deleted", true)]
        [InlineData("UNKNOWN", "Unknown", false)]
        [InlineData("pending_upstream", "pending_upstream", false)]
        public void WhatsApp_statuses(string raw, string expected, bool terminal)
        {
            Assert.Equal(expected, WhatsAppStatuses.Normalize(raw));
            Assert.Equal(terminal, WhatsAppStatuses.IsTerminal(WhatsAppStatuses.Normalize(raw)));
        }

        [Theory]
        // docs/dev/api-contract.md#template-statuses: pending, under_review, needs_modification, rejected, accepted, deleted.
        // Only accepted templates can be sent.
        [InlineData("pending", "pending", false)]
        [InlineData("under_review", "under_review", false)]
        [InlineData("needs_modification", "needs_modification", false)]
        [InlineData("rejected", "rejected", false)]
        [InlineData("accepted", "accepted", true)]
        [InlineData("deleted", "deleted", false)]
        [InlineData("PENDING", "pending", false)]
        [InlineData("UNDER_REVIEW", "under_review", false)]
        [InlineData("NEEDS_MODIFICATION", "needs_modification", false)]
        [InlineData("REJECTED", "rejected", false)]
        [InlineData("ACCEPTED", "accepted", true)]
        [InlineData("DELETED", "deleted", false)]
        [InlineData("paused", "paused", false)]
        public void Template_statuses(string raw, string expected, bool sendable)
        {
            Assert.Equal(expected, TemplateStatuses.Normalize(raw));
            Assert.Equal(sendable, new MessageTemplate { Status = TemplateStatuses.Normalize(raw) }.IsAccepted);
        }
    }
}
