using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Access;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>
/// A unique violation the caller handles (an idempotency key or a step start that lost a race with another instance)
/// leaves no Error line in the log: EF Core's own failure events are Debug, and the exception still reaches the caller.
/// </summary>
public sealed class HandledStoreFailureLogTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
    private readonly LogCapture _logs = new();
    private string _store = "";
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _store = await TestStores.CreateAsync(_directory);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{StoreOptions.SectionName}:Store"] = _store })
            .Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(new FakeClock());
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(_logs));
        collection.AddPorticoStorage(configuration);
        collection.AddAccessEntities();
        _services = collection.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<StoreMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
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
    public async Task A_unique_violation_reaches_the_caller_without_an_error_line_from_EF_Core()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await SaveTenantAsync("t-race", cancellationToken);

        var thrown = await Assert.ThrowsAsync<DbUpdateException>(() => SaveTenantAsync("t-race", cancellationToken));

        Assert.True(StoreFailure.IsUniqueViolation(thrown));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }

    private async Task SaveTenantAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.Set<TenantRecord>().Add(new TenantRecord { Id = id, Name = "Race", PlanKey = "basic", CreatedAt = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync(cancellationToken);
    }
}
