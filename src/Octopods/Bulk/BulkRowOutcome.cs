using Octopods.Errors;

namespace Octopods.Bulk
{
    /// <summary>One row's outcome, handed back in input order.</summary>
    internal sealed class BulkRowOutcome<TRequest, TResult> where TResult : class
    {
        internal BulkRowOutcome(long sequence, TRequest request, object? state, RowOrigin? origin)
        {
            Sequence = sequence;
            Request = request;
            State = state;
            Origin = origin ?? RowOrigin.None;
        }

        public long Sequence { get; }
        public TRequest Request { get; }
        /// <summary>Whatever the caller attached (the pipeline row, for ErrorRecord targets).</summary>
        public object? State { get; }
        /// <summary>Where the row came from (its input position, its tracked columns).</summary>
        public RowOrigin Origin { get; }
        public string? RowId { get; internal set; }
        public BulkRowKind Kind { get; internal set; }
        public TResult? Result { get; internal set; }
        public OctopodsException? Error { get; internal set; }
        internal bool Done;
    }
}
