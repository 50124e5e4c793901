using System;

namespace Octopods.OptOuts
{
    /// <summary>A removed opt-out: the entry as it was, why it was removed (the consent), when, and by which account.</summary>
    internal sealed class OptOutRemoval
    {
        public OptOutRemoval(OptOutEntry entry, string reason, DateTimeOffset at, string by)
        {
            Entry = entry;
            Reason = reason;
            At = at;
            By = by;
        }

        public OptOutEntry Entry { get; }
        public string Reason { get; }
        public DateTimeOffset At { get; }
        public string By { get; }
    }
}
