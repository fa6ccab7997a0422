using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>The change log keeps a day, by the clock: it was pruned only when the newest id happened to be a multiple of 1,000.</summary>
public sealed class StoreChangePruningTests
{
    [Fact]
    public async Task Changes_older_than_the_retention_are_pruned_whatever_the_ids()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync();
        // A burst of writes whose ids skip every multiple of 1,000: some a day and more old, some fresh.
        var now = server.Clock.GetUtcNow();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            for (var i = 0; i < 7; i++)
            {
                db.Set<StoreChangeRecord>().Add(new StoreChangeRecord { Topic = "test.burst", Subject = $"old-{i}", At = now - StoreChangeListener.Retention - TimeSpan.FromMinutes(1 + i) });
            }

            db.Set<StoreChangeRecord>().Add(new StoreChangeRecord { Topic = "test.burst", Subject = "fresh", At = now });
            await db.SaveChangesAsync(ct);
        }

        Assert.NotEqual(0, await TestStores.ScalarAsync(server.Settings.Store, "SELECT MAX(id) FROM store_changes") % 1000);
        server.Clock.Advance(StoreChangeListener.PruneInterval);

        await Eventually.AssertAsync(async () => await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM store_changes WHERE subject LIKE 'old-%'") == 0,
            "the changes older than the retention were pruned");
        Assert.Equal(1, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM store_changes WHERE subject = 'fresh'"));
    }
}
