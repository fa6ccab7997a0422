using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Catalog;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;

namespace Portico.Tests.Tools.Records;

/// <summary>
/// A model's index hints become store indexes (expression indexes on the attribute, after tenant and model) when it is
/// defined or imported, idempotently, named and written only from paths of the strict grammar; and the planner uses them.
/// </summary>
public sealed class IndexHintTests
{
    private const int Rows = 5000;

    private static JsonObject Schema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["serial"] = new JsonObject { ["type"] = "string" }, ["power"] = new JsonObject { ["type"] = "number" } },
    };

    private static Task<long> AttributeIndexCountAsync(PorticoTestServer server) => TestStores.ScalarAsync(server.Settings.Store, TestStores.IsPostgres(server.Settings.Store)
        ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'data_entities' AND indexname LIKE 'ix\\_data\\_attr\\_%'"
        : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'data_entities' AND name LIKE 'ix\\_data\\_attr\\_%' ESCAPE '\\'");

    [Fact]
    public async Task Index_hints_become_store_indexes_once_whoever_defines_or_imports_them()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await RecordsClient.ConnectAsync(world.Server, world.AliceKey);
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        Assert.Equal(0, await AttributeIndexCountAsync(world.Server));

        var defined = RecordsClient.Ok(await alice.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = Schema(), ["indexes"] = new JsonArray("serial", "spec.site") }));
        Assert.Empty(defined["unindexed"]!.AsArray());
        Assert.Equal(2, await AttributeIndexCountAsync(world.Server));

        // Again, the same hint in another group, or the catalog's hints: one index per path, made once.
        RecordsClient.Ok(await alice.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = Schema(), ["indexes"] = new JsonArray("serial", "spec.site") }));
        RecordsClient.Ok(await bob.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Other-1", ["schema"] = Schema(), ["indexes"] = new JsonArray("serial") }));
        Assert.Equal(2, await AttributeIndexCountAsync(world.Server));
        RecordsClient.Ok(await bob.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Contact-1" }));
        Assert.Equal(4, await AttributeIndexCountAsync(world.Server));

        var status = RecordsClient.Ok(await alice.CallAsync("get_model_library_status"))["models"]![0]!["indexState"]!.AsArray();
        Assert.Equal(["serial", "spec.site"], status.Select(s => (string)s!["attributePath"]!));
        Assert.All(status, s => Assert.True((bool)s!["ready"]!));
        Assert.Equal(AttributeIndex.Name("serial"), (string?)status[0]!["index"]);
    }

    [Theory]
    [InlineData("serial; DROP TABLE data_entities; --")]
    [InlineData("a') ; DELETE FROM data_models; --")]
    [InlineData("a'b")]
    [InlineData("a\"b")]
    [InlineData("a}b")]
    [InlineData("a,b")]
    [InlineData("$.a")]
    [InlineData("a[0]")]
    [InlineData("a b")]
    [InlineData("påth")]
    [InlineData("a..b")]
    [InlineData("")]
    public async Task A_hostile_hint_path_is_refused_before_any_SQL_and_nothing_is_indexed(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var error = RecordsClient.Error(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Evil-1", ["schema"] = Schema(), ["indexes"] = new JsonArray("serial", path) }), "VALIDATION_FAILED");

        Assert.Equal("indexes[1]", (string?)error["details"]!["path"]);
        Assert.Equal(0, await AttributeIndexCountAsync(server));
        Assert.Empty(RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray());
        // And whoever calls the SQL builders with such a path gets an exception, not SQL.
        Assert.Throws<ArgumentException>(() => AttributeIndex.Create(StoreProvider.Postgres, path));
        Assert.Throws<ArgumentException>(() => AttributeIndex.Create(StoreProvider.Sqlite, path));
        Assert.Throws<ArgumentException>(() => new EntitySql(StoreProvider.Sqlite).PathLiteral(path));
    }

    [Fact]
    public void Index_names_are_short_plain_and_distinct_for_distinct_paths()
    {
        string[] paths = ["a.b", "a_b", "A_b", "ab", string.Join('.', Enumerable.Repeat(new string('x', 64), 8)), string.Join('.', Enumerable.Repeat(new string('x', 64), 7)) + ".y"];
        var names = paths.Select(AttributeIndex.Name).ToList();

        Assert.Equal(paths.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^ix_data_attr_[a-z0-9_]+$", n));
        Assert.All(names, n => Assert.True(n.Length <= 63, n));
    }

    [Fact]
    public async Task The_planner_uses_the_hinted_paths_index_for_a_selective_filter()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = Schema(), ["indexes"] = new JsonArray("serial", "power") }));
        var store = server.Settings.Store;
        var postgres = TestStores.IsPostgres(store);

        // Enough rows that a scan of the group's rows costs more than the index: loaded in one statement, as an operator would.
        await TestStores.ScalarAsync(store, postgres
            ? $"""
                INSERT INTO data_entities (tenant_id, id, model, data, created_by, created_at, updated_at, version)
                    SELECT '{server.TenantId}', lpad(to_hex(i), 24, '0'), 'Acme.Machine-1', '{"{"}"serial":"S-' || i || '","power":' || (i % 500) || '{"}"}', 'bench', 1767258000000 + i, 1767258000000 + i, 1
                    FROM generate_series(1, {Rows}) AS i;
                ANALYZE data_entities;
                SELECT 0;
                """
            : $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
                INSERT INTO data_entities (tenant_id, id, model, data, created_by, created_at, updated_at, version)
                    SELECT '{server.TenantId}', printf('%024x', i), 'Acme.Machine-1', '{"{"}"serial":"S-' || i || '","power":' || (i % 500) || '{"}"}', 'bench', 1767258000000 + i, 1767258000000 + i, 1
                    FROM n;
                ANALYZE;
                SELECT 0;
                """);

        var found = RecordsClient.Ok(await client.CallAsync("query_entities", new JsonObject
        {
            ["modelId"] = "Acme.Machine-1",
            ["filter"] = new JsonArray(new JsonObject { ["attributePath"] = "serial", ["op"] = "eq", ["value"] = "S-4242" }),
        }))["entities"]!.AsArray();
        Assert.Equal("S-4242", (string?)Assert.Single(found)!["attributes"]!["serial"]);

        var newestFirst = new EntitySort(null, Descending: true);
        var equal = await PlanAsync(server, postgres, [Filter("serial", "eq", "\"S-4242\"")], newestFirst);
        Assert.Contains(AttributeIndex.Name("serial"), equal, StringComparison.Ordinal);
        // A range, sorted by the same attribute: the index gives both (SQLite has no histogram to prefer it for a
        // range alone over the created_at index that gives the default order).
        var range = await PlanAsync(server, postgres, [Filter("power", "gt", "498")], new EntitySort("power", Descending: false));
        Assert.Contains(AttributeIndex.Name("power"), range, StringComparison.Ordinal);
    }

    private static EntityFilter Filter(string path, string op, string json)
    {
        using var value = JsonDocument.Parse(json);
        return new EntityFilter(path, op, value.RootElement.Clone());
    }

    /// <summary>The plan of the statement query_entities runs (built by the same code), from EXPLAIN / EXPLAIN QUERY PLAN.</summary>
    private static async Task<string> PlanAsync(PorticoTestServer server, bool postgres, IReadOnlyList<EntityFilter> filters, EntitySort sort)
    {
        var provider = postgres ? StoreProvider.Postgres : StoreProvider.Sqlite;
        var (sql, parameters) = QueryTools.PageSql(provider, "Acme.Machine-1", filters, sort, null, 20, null, publishable: false, server.Clock.GetUtcNow());
        await using var scope = server.Services.CreateAsyncScope();
        var data = new TenantData<EntityRow>(scope.ServiceProvider.GetRequiredService<PorticoDbContext>(), server.TenantId);
        var rows = await data.QueryAsync((postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql, parameters, CancellationToken.None);
        var plan = string.Join('\n', rows.Select(r => Convert.ToString(r[^1], System.Globalization.CultureInfo.InvariantCulture)));
        TestContext.Current.TestOutputHelper?.WriteLine(plan);
        return plan;
    }
}
