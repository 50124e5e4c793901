namespace Octopods.Polling
{
    /// <summary>A send's result that a -Wait follows: its id, whether it came from a journal, and how it takes a newer status.</summary>
    internal interface IFollowedMessage<in TStatus> where TStatus : class
    {
        string MessageId { get; }

        /// <summary>Accepted in an earlier run: it may have settled long ago, so it is looked at before any pause.</summary>
        bool FromJournal { get; }

        void Apply(TStatus status);
    }
}
