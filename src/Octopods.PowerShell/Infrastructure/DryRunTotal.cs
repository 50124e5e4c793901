using System.Globalization;
using Octopods.Sms;

namespace Octopods.PowerShell.Infrastructure
{
    /// <summary>What a dry run (-WhatIf) of a bulk send would have sent: rows read, messages, and for SMS the segments billed.</summary>
    public sealed class DryRunTotal
    {
        /// <summary>Input rows read.</summary>
        public int Rows { get; internal set; }
        /// <summary>Messages that would have been sent (a row lists one number or several).</summary>
        public int Messages { get; internal set; }
        /// <summary>SMS segments those messages would have taken (0 for templates, billed per message).</summary>
        public long Segments { get; internal set; }

        internal void Count(object request)
        {
            Messages++;
            if (request is SmsSendRequest sms) Segments += sms.Segments.Segments;
        }

        internal string Describe(string command)
        {
            var text = string.Format(CultureInfo.InvariantCulture, "What if: {0} would send up to {1} message(s) for {2} row(s) read", command, Messages, Rows);
            if (Segments > 0) text += string.Format(CultureInfo.InvariantCulture, ", {0} SMS segment(s)", Segments);
            // Repeats of a row and rows a journal already holds are left out only when sending.
            return text + "; the errors above are not counted, and repeats and journaled rows would be skipped.";
        }

        public override string ToString() => Describe("The command");
    }
}
