using Octopods.Bulk;
using Octopods.Errors;
using Xunit;

namespace Octopods.Tests.Bulk
{
    /// <summary>Which failures count toward an outage: the service or the way to it, not the row.</summary>
    public sealed class OutageWatchTests
    {
        [Theory]
        [InlineData(ErrorNames.ServerError, true)]
        [InlineData(ErrorNames.ConnectionFailed, true)]
        [InlineData(ErrorNames.ProxyFailed, true)]   // a dead proxy stops a run as a dead service does
        [InlineData(ErrorNames.PhoneInvalid, false)]
        [InlineData(ErrorNames.ProviderError, false)]
        public void The_way_to_the_service_failing_counts_and_a_rows_own_error_does_not(string name, bool counts) =>
            Assert.Equal(counts, OutageWatch.IsServerTrouble(new OctopodsException(name, OctopodsErrorKind.ConnectionError, "x")));
    }
}
