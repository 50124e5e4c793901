using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>
    /// Wall-clock timing tests: they run alone (no other test of this assembly alongside), so the
    /// server's arrival timestamps are not skewed by a starved thread pool.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class TimingCollection
    {
        public const string Name = "Wall-clock timing";
    }
}
