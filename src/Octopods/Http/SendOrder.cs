using System.Threading;

namespace Octopods.Http
{
    /// <summary>
    /// The input position of the row whose send is under way, flowing with the async call into the
    /// client: the pacer gives turns to waiting sends in this order, so paced rows leave in input order
    /// (operators order their files by priority), whichever worker reached the pacer first.
    /// </summary>
    public static class SendOrder
    {
        private static readonly AsyncLocal<long?> Position = new AsyncLocal<long?>();

        /// <summary>The current send's row position; null outside a bulk run (turns then go in arrival order).</summary>
        public static long? Current
        {
            get => Position.Value;
            set => Position.Value = value;
        }
    }
}
