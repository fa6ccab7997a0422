using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Storage;
using Portico.Tests.Catalog.SamplePack;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>
/// The EF model the features register is the schema the migrations produce, on the store the suite runs on (SQLite, and
/// PostgreSQL in the unit-postgres stage): a new entity, column or type that drifts from its migration fails here, with
/// every mismatch named.
/// </summary>
public sealed class SchemaMatchesModelTests
{
    /// <summary>Tables the migrations create that no entity maps, each with why.</summary>
    private static readonly Dictionary<string, string> OutsideTheModel = new(StringComparer.Ordinal)
    {
        ["schema_migrations"] = "the migrator's own ledger, read and written with plain SQL before any model exists",
        ["rate_limit_windows"] = "sliding windows updated by one atomic upsert per check (StoreRateLimitStore), never through EF",
    };

    [Fact]
    public async Task The_registered_model_matches_the_migrated_store_table_by_table_and_column_by_column()
    {
        // With the sample pack too: a pack's table is checked like the core schema's.
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<NotesPack>());
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var provider = scope.ServiceProvider.GetRequiredService<StoreConnection>().Provider;
        Assert.NotNull(db.Model.FindEntityType(typeof(Note)));

        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var problems = await SchemaComparison.CompareAsync(db.Model, db.Database.GetDbConnection(), provider, OutsideTheModel, TestContext.Current.CancellationToken);

        Assert.True(problems.Count == 0, $"The EF model and the migrated {provider} schema differ:\n{string.Join("\n", problems)}");
    }

    /// <summary>The comparison reports what drifted: a missing column, a wrong type, a wrong nullability, an extra column, a missing and an unknown table.</summary>
    [Fact]
    public async Task A_drifted_schema_is_reported_mismatch_by_mismatch()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE drift_items (id TEXT NOT NULL PRIMARY KEY, tenant_id INTEGER NOT NULL, label TEXT NULL, leftover TEXT NULL);
                CREATE TABLE forgotten (id TEXT NOT NULL PRIMARY KEY);
                """;
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var db = new DriftContext(new DbContextOptionsBuilder<DriftContext>().UseSqlite(connection).Options);
        var problems = await SchemaComparison.CompareAsync(db.Model, connection, StoreProvider.Sqlite, new Dictionary<string, string>(), TestContext.Current.CancellationToken);

        Assert.Equal(
        [
            "drift_items.count: the model has it (DriftItem.Count, INTEGER), the database does not",
            "drift_items.label: the model says NOT NULL, the database says NULL",
            "drift_items.leftover: the database has it, the model does not map it (DriftItem)",
            "drift_items.tenant_id: the model says type TEXT, the database says INTEGER",
            "drift_missing: the model maps DriftMissing to it, the database has no such table (add a migration step that creates it)",
            "forgotten: the database has it, no registered entity maps it (register its entity, or name it as outside the model with the reason)",
        ], problems.Order(StringComparer.Ordinal));
    }

    private sealed class DriftItem : ITenantOwned
    {
        public required string Id { get; init; }

        public string TenantId { get; set; } = "";

        public required string Label { get; set; }

        public int Count { get; set; }
    }

    private sealed class DriftMissing
    {
        public required string Id { get; init; }
    }

    private sealed class DriftContext(DbContextOptions<DriftContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<DriftItem>(b =>
            {
                b.ToTable("drift_items");
                b.Property(i => i.Id).HasColumnName("id");
                b.Property(i => i.TenantId).HasColumnName("tenant_id");
                b.Property(i => i.Label).HasColumnName("label");
                b.Property(i => i.Count).HasColumnName("count");
            });
            modelBuilder.Entity<DriftMissing>(b =>
            {
                b.ToTable("drift_missing");
                b.Property(i => i.Id).HasColumnName("id");
            });
        }
    }
}
