using System.Text.Json.Nodes;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>Step 100201 moves the first records pack's rows into the entities table: same ids, versions, times and keys.</summary>
public sealed class EntityMigrationTests
{
    [Fact]
    public async Task Records_written_before_the_data_pack_are_entities_after_the_upgrade_and_the_record_tools_still_serve_them()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var store = server.Settings.Store;
        var provider = TestStores.IsPostgres(store) ? StoreProvider.Postgres : StoreProvider.Sqlite;
        const string Id = "5f0c6a1e2b3d4c5e6f708192";

        // Back to the store as the records pack left it: the records table (core step 3) with a record, no entities table
        // (so no step that changes it has run either).
        var step3 = StoreMigrations.All.Single(m => m.Version == 3).SqlFor(provider);
        await TestStores.ScalarAsync(store, $"""
            DROP TABLE data_entities;
            DELETE FROM schema_migrations WHERE version IN (100201, 100202, 100204);
            {step3}
            INSERT INTO records (tenant_id, id, collection, data, created_by, created_at, updated_at, version, idempotency_key)
                VALUES ('{server.TenantId}', '{Id}', 'notes', '{"{"}"title":"kept"{"}"}', 'someone', 1767258000000, 1767258060000, 4, 'key-1');
            SELECT 0;
            """);

        await server.RestartAsync();

        Assert.Equal(0L, await TestStores.ScalarAsync(store, provider == StoreProvider.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'records'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'"));
        using var client = await RecordsClient.ConnectAsync(server);
        var record = RecordsClient.Ok(await client.CallAsync("get-record", new JsonObject { ["id"] = Id }))["record"]!;
        Assert.Equal("notes", (string?)record["collection"]);
        Assert.Equal("kept", (string?)record["data"]!["title"]);
        Assert.Equal(4, (int)record["version"]!);
        Assert.Equal("2026-01-01T09:00:00.000Z", (string?)record["createdAt"]);
        Assert.Equal("2026-01-01T09:01:00.000Z", (string?)record["updatedAt"]);
        var entity = RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = Id }))["entity"]!;
        Assert.Equal(4, (int)entity["version"]!);

        // The idempotency key came along: retrying the create that made it returns it.
        var retried = RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["title"] = "kept" }, ["idempotencyKey"] = "key-1" }));
        Assert.True((bool)retried["duplicate"]!);
        Assert.Equal(Id, (string?)retried["record"]!["id"]);
        RecordsClient.Ok(await client.CallAsync("update_entity", new JsonObject { ["id"] = Id, ["attributes"] = new JsonObject { ["title"] = "changed" }, ["expected_version"] = 4 }));
    }
}
