using System;

namespace Octopods.Bulk
{
    internal sealed class BulkOptions
    {
        /// <summary>The default in-flight window. See the README: pacing, not concurrency, is the real limiter.</summary>
        public const int DefaultThrottleLimit = 4;

        /// <summary>Requests in flight at once; 1 keeps strict sequence.</summary>
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;
        /// <summary>Rows accepted but not yet handed back in order (bounds memory when an early row is slow).</summary>
        public int MaxPending { get; set; }
        /// <summary>Send a row that repeats an earlier one of the run (same content, same number) again, instead of once.</summary>
        public bool AllowDuplicates { get; set; }
        /// <summary>Send rows whose journal outcome is unknown again.</summary>
        public bool ResendUnknown { get; set; }
        /// <summary>
        /// Stop at the first row that fails or whose outcome is unknown (-ErrorAction Stop): no row
        /// after it starts; rows already on the wire finish.
        /// </summary>
        public bool StopOnFailure { get; set; }
        /// <summary>After a stop, how long sends already on the wire may finish so their outcome is known.</summary>
        public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(2);

        internal int EffectiveMaxPending => Math.Max(MaxPending, Math.Max(ThrottleLimit * 4, ThrottleLimit + 16));
    }
}
