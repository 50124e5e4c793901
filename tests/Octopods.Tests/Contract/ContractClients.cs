using System;
using System.Collections.Generic;
using Octopods.Http;
using Octopods.Sms;
using Octopods.Time;
using Octopods.Viber;
using Octopods.WhatsApp;

namespace Octopods.Tests.Contract
{
    /// <summary>The product's API classes pointed at a <see cref="ScriptedServer"/>, on a virtual clock so 429 waits take no time.</summary>
    internal sealed class ContractClients
    {
        // Placeholders the public pages use for the key, so the header's value is a literal from the docs
        // (docs/dev/api-contract.md#where-the-public-pages-disagree-and-what-the-client-tolerates, "Key placeholder").
        public const string SmsKey = "YOUR_CHANNEL_API_KEY";          // docs/dev/api-contract.md#sms-send-reference, docs/dev/api-contract.md#sms-status-reference
        public const string WhatsAppKey = "YOUR_API_KEY_HERE";        // docs/dev/api-contract.md#api-overview-and-authentication
        public const string ViberKey = "YOUR_API_KEY";                // docs/dev/api-contract.md#sms-api-article-intercom-and-hubspot spelling, reused for the VBM channel key

        private readonly ScriptedServer _server;

        public ContractClients(ScriptedServer server, DateTimeOffset? now = null)
        {
            _server = server;
            Clock = new VirtualClock(now ?? new DateTimeOffset(2026, 4, 24, 12, 34, 50, TimeSpan.Zero));
        }

        public VirtualClock Clock { get; }

        /// <summary>Every wait a 429 imposed, in order.</summary>
        public List<TimeSpan> RateLimitWaits { get; } = new List<TimeSpan>();

        public OctopodsClient Client(OctopodsChannel channel, string key) =>
            new OctopodsClient(new OctopodsClientOptions(channel, new ApiKey(key), TransportSecurity.ValidateBaseUri(_server.BaseUri.ToString()))
            {
                Clock = Clock,
                RateLimitWait = RateLimitWaits.Add,
            });

        public SmsApi Sms() => new SmsApi(Client(OctopodsChannel.Sms, SmsKey));
        public WhatsAppApi WhatsApp() => new WhatsAppApi(Client(OctopodsChannel.WhatsApp, WhatsAppKey));
        public ViberApi Viber() => new ViberApi(Client(OctopodsChannel.Viber, ViberKey));
    }
}
