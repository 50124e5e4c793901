using Octopods.Errors;

namespace Octopods.Polling
{
    /// <summary>How following one id ended: its last state, or the error that stopped polling it.</summary>
    internal sealed class PollOutcome<T> where T : class
    {
        public T? Last { get; internal set; }
        public OctopodsException? Error { get; internal set; }
        public bool TimedOut { get; internal set; }
    }
}
