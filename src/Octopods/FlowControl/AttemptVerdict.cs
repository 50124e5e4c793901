using System;

namespace Octopods.FlowControl
{
    /// <summary>What an <see cref="IAttemptPolicy"/> says of a 429: retry after a wait, or fail with a fix.</summary>
    internal readonly struct AttemptVerdict
    {
        private AttemptVerdict(TimeSpan wait, TimeSpan sleep, string? failFix)
        {
            Wait = wait;
            Sleep = sleep;
            FailFix = failFix;
        }

        /// <summary>Retry after <paramref name="wait"/>; the caller itself sleeps <paramref name="sleep"/> (zero when the next turn waits instead).</summary>
        public static AttemptVerdict RetryAfter(TimeSpan wait, TimeSpan sleep) => new AttemptVerdict(wait, sleep, null);

        /// <summary>Give up: the send fails as rate limited, with this fix (nothing was sent).</summary>
        public static AttemptVerdict Fail(string fix) => new AttemptVerdict(TimeSpan.Zero, TimeSpan.Zero, fix ?? throw new ArgumentNullException(nameof(fix)));

        /// <summary>The wait before the retry, as announced to the user.</summary>
        public TimeSpan Wait { get; }

        /// <summary>How long the client sleeps before its next attempt.</summary>
        public TimeSpan Sleep { get; }

        /// <summary>Not null: fail with this fix instead of retrying.</summary>
        public string? FailFix { get; }
    }
}
