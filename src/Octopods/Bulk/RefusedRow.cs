using Octopods.Errors;

namespace Octopods.Bulk
{
    /// <summary>A row refused before it could be sent (a bad number, a missing variable), as the journal keeps it.</summary>
    internal sealed class RefusedRow
    {
        public RefusedRow(OctopodsException error, RowOrigin origin, string? destination)
        {
            Error = error;
            Origin = origin;
            Destination = destination;
        }

        public OctopodsException Error { get; }
        public RowOrigin Origin { get; }
        /// <summary>The recipient as the row gave it (it may be the bad number itself); null when the row named none.</summary>
        public string? Destination { get; }
    }
}
