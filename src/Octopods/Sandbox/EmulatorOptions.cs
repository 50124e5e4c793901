using System;

namespace Octopods.Sandbox
{
    /// <summary>Switches that change how the emulator behaves; safe to change while it runs.</summary>
    internal sealed class EmulatorOptions
    {
        /// <summary>Requests accepted per one-second window before answering 429 in the documented shape; null means no limit.</summary>
        public double? RateLimitPerSecond { get; set; }
        /// <summary>Send a Retry-After header with 429s (the real service documents none).</summary>
        public bool SendRetryAfterHeader { get; set; }

        // Dialects the public articles disagree on, so clients can be tested against each.
        /// <summary>message_id as a JSON number (98765) instead of a string ("msg_…").</summary>
        public bool NumericMessageIds { get; set; }
        /// <summary>Statuses in upper case (DELIVERED).</summary>
        public bool UpperCaseStatuses { get; set; }
        /// <summary>phone_number without the leading '+'.</summary>
        public bool PhoneWithoutPlus { get; set; }

        /// <summary>How long after acceptance a message becomes Sent.</summary>
        public TimeSpan SentAfter { get; set; } = TimeSpan.FromSeconds(1);
        /// <summary>How long after acceptance a message reaches its final state.</summary>
        public TimeSpan FinalAfter { get; set; } = TimeSpan.FromSeconds(3);
        /// <summary>How long after acceptance a delivered WhatsApp message becomes Read.</summary>
        public TimeSpan ReadAfter { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>The WhatsApp message listing as a bare array (the other documented shape) instead of {"request_id","messages":[…]}.</summary>
        public bool BareMessageListing { get; set; }
    }
}
