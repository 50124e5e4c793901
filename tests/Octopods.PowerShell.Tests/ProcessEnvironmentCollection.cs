using Xunit;

namespace Octopods.PowerShell.Tests
{
    /// <summary>Tests that change process environment variables run alone: they share this collection.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessEnvironmentCollection
    {
        public const string Name = "Process environment";
    }
}
