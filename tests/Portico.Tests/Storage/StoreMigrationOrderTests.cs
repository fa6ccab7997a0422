using Portico.Storage;

namespace Portico.Tests.Storage;

/// <summary>
/// The core steps are listed in version order, below the packs' range: the newest known version is the last step, and a
/// store migrated by a build is never reported as "newer than this build" by the same build (a step group appended out
/// of order did exactly that when parallel branches merged).
/// </summary>
public sealed class StoreMigrationOrderTests
{
    [Fact]
    public void Core_steps_are_unique_ascending_and_below_the_packs_range()
    {
        var versions = StoreMigrations.All.Select(m => m.Version).ToList();

        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.All(versions, v => Assert.InRange(v, 1, StoreMigration.PackVersions - 1));
        Assert.Equal(versions.Max(), StoreMigrations.Latest);
    }
}
