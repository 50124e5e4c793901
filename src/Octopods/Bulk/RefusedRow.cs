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

        /// <summary>How the journal keeps a row refused with <paramref name="error"/>: opted out, or refused.</summary>
        public static JournalState StateOf(OctopodsException error) =>
            error.ErrorName == ErrorNames.RecipientOptedOut ? JournalState.OptedOut : JournalState.Refused;
    }
}
