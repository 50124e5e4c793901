using System.Linq;
using Xunit;

namespace Octopods.Tests
{
    /// <summary>The engine is internal: the core's public types are exactly the user-facing list (the type accelerators).</summary>
    public class PublicSurfaceTests
    {
        [Fact]
        public void The_core_exports_only_the_user_facing_types()
        {
            var exported = typeof(OctopodsChannel).Assembly.GetExportedTypes().Select(t => t.FullName).OrderBy(n => n).ToList();
            var listed = UserFacingTypes.All.Select(t => t.FullName).OrderBy(n => n).ToList();
            var unlisted = exported.Except(listed).ToList();
            Assert.True(unlisted.Count == 0,
                "Public types outside UserFacingTypes.All: " + string.Join(", ", unlisted) +
                ". Make them internal, or, if users meet them, add them to the list (they become type accelerators).");
            Assert.Equal(listed, exported);
            Assert.InRange(listed.Count, 10, 30);
        }
    }
}
