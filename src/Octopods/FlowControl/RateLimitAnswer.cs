using System;

namespace Octopods.FlowControl
{
    /// <summary>A 429 as the client read it, with the limits of its connection's settings.</summary>
    internal readonly struct RateLimitAnswer
    {
        public RateLimitAnswer(int attempt, TimeSpan? namedWait, TimeSpan defaultWait, TimeSpan maxWait, int maxRetries)
        {
            Attempt = attempt;
            NamedWait = namedWait;
            DefaultWait = defaultWait;
            MaxWait = maxWait;
            MaxRetries = maxRetries;
        }

        /// <summary>Which attempt of this call was refused (1 for the first).</summary>
        public int Attempt { get; }

        /// <summary>The wait the service named (Retry-After, or "try after … UTC"); null when it named none.</summary>
        public TimeSpan? NamedWait { get; }

        /// <summary>The wait when none is named (the settings' default).</summary>
        public TimeSpan DefaultWait { get; }

        /// <summary>The longest wait the client may sit out; a longer one fails the send.</summary>
        public TimeSpan MaxWait { get; }

        /// <summary>How many 429s in a row a single call sits out.</summary>
        public int MaxRetries { get; }

        /// <summary>The service named when to try again, as its rate limit does.</summary>
        public bool NamedTime => NamedWait > TimeSpan.Zero;

        /// <summary>The wait to keep: the one named, else the default; a time already past backs off 1, 2, 4… s by <paramref name="inARow"/>.</summary>
        public TimeSpan Wait(int inARow)
        {
            var wait = NamedWait ?? DefaultWait;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Max(0, inARow - 1))));
        }

        /// <summary>The fix of a wait longer than the client may sit out (a daily quota, say).</summary>
        public string TooLongFix(TimeSpan wait) =>
            $"The service asks for a pause of {wait.TotalSeconds:0} s, longer than the {MaxWait.TotalSeconds:0} s allowed; nothing was sent. Run again after that time.";
    }
}
