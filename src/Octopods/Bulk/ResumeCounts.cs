namespace Octopods.Bulk
{
    /// <summary>What a reopened journal says of an earlier run: the rows it settled, by outcome, and the lines it could not read.</summary>
    internal sealed class ResumeCounts
    {
        public int Accepted { get; init; }
        public int Failed { get; init; }
        public int Unknown { get; init; }

        /// <summary>Lines skipped as unreadable.</summary>
        public int SkippedLines { get; init; }

        /// <summary>Every skipped line was cut short by a run stopped while writing (no sign of editing).</summary>
        public bool OnlyTornLines { get; init; }

        /// <summary>The journal recorded rows of an earlier run.</summary>
        public bool Any => Accepted + Failed + Unknown > 0;
    }
}
