using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>
/// The one change mechanism on its own (storage and one registration, no server): a save of an entity whose
/// type has a topic writes its change row in the same transaction and raises it once committed.
/// </summary>
public sealed class StoreChangeInterceptorTests : IAsyncLifetime
{
    private static readonly StoreTopic Topic = new("test.tenants");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
    private readonly List<string> _raised = [];
    private string _store = "";
    private ServiceProvider _services = null!;
    private IDisposable? _subscription;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _store = await TestStores.CreateAsync(_directory);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{StoreOptions.SectionName}:Store"] = _store })
            .Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(new FakeClock());
        collection.AddLogging();
        collection.AddPorticoStorage(configuration);
        collection.AddAccessEntities();
        collection.AddStoreChangeTopic<TenantRecord>(Topic, t => t.Id);
        _services = collection.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<StoreMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
        _subscription = _services.GetRequiredService<StoreChanges>().Subscribe(Topic, subject =>
        {
            lock (_raised)
            {
                _raised.Add(subject);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await TestStores.DropAsync(_store);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_save_of_an_entity_with_a_topic_writes_one_change_row_and_raises_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            db.Set<TenantRecord>().Add(new TenantRecord { Id = "t1", Name = "One", PlanKey = "basic", CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync(ct);
        }

        Assert.Equal(1, await ChangeRowsAsync("t1"));
        Assert.Equal(["t1"], Raised());

        // A change of the same row is one more change; an entity type without a topic (users) writes none.
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            (await db.Set<TenantRecord>().SingleAsync(t => t.Id == "t1", ct)).Name = "Renamed";
            db.Set<UserRecord>().Add(new UserRecord { Id = "u1", Email = "u1@portico.test", CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync(ct);
        }

        Assert.Equal(2, await ChangeRowsAsync("t1"));
        Assert.Equal(2, await TestStores.ScalarAsync(_store, "SELECT COUNT(*) FROM store_changes"));
        Assert.Equal(["t1", "t1"], Raised());
    }

    [Fact]
    public async Task The_change_row_commits_and_rolls_back_with_the_data_and_is_raised_only_once_committed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Set<TenantRecord>().Add(new TenantRecord { Id = "gone", Name = "Rolled back", PlanKey = "basic", CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync(ct);
            Assert.Empty(Raised());
            await transaction.RollbackAsync(ct);
        }

        Assert.Equal(0, await TestStores.ScalarAsync(_store, "SELECT COUNT(*) FROM tenants WHERE id = 'gone'"));
        Assert.Equal(0, await ChangeRowsAsync("gone"));
        Assert.Empty(Raised());

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Set<TenantRecord>().Add(new TenantRecord { Id = "kept", Name = "Committed", PlanKey = "basic", CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync(ct);
            // Not yet: a cache reloading now would read the store as it was and keep it.
            Assert.Empty(Raised());
            await transaction.CommitAsync(ct);
        }

        Assert.Equal(1, await ChangeRowsAsync("kept"));
        Assert.Equal(["kept"], Raised());
    }

    private Task<long> ChangeRowsAsync(string subject)
        => TestStores.ScalarAsync(_store, $"SELECT COUNT(*) FROM store_changes WHERE topic = '{Topic.Name}' AND subject = '{subject}'");

    private List<string> Raised()
    {
        lock (_raised)
        {
            return [.. _raised];
        }
    }
}
