using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>Entities of a tenant's models through <c>tools/call</c>: CRUD, optimistic locking, schema validation and the seed's id messages.</summary>
public sealed class EntityToolsTests
{
    private static JsonObject Contact(string name, string? email = null)
    {
        var attributes = new JsonObject { ["name"] = name };
        if (email is not null)
        {
            attributes["email"] = email;
        }

        return attributes;
    }

    internal static async Task<RecordsClient> ConnectWithContactsAsync(PorticoTestServer server, string apiKey = "")
    {
        var client = await RecordsClient.ConnectAsync(server, apiKey);
        RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Contact-1" }));
        return client;
    }

    [Fact]
    public async Task Create_get_update_and_delete_an_entity_of_an_imported_model()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);

        var created = RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann", "ann@example.com") }))["entity"]!;
        var id = (string)created["id"]!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal("Basic.Contact-1", (string?)created["modelId"]);
        Assert.Equal(1, (int)created["version"]!);
        Assert.True(JsonNode.DeepEquals(created, RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }))["entity"]));

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var updated = RecordsClient.Ok(await client.CallAsync("update_entity", new JsonObject { ["id"] = id, ["attributes"] = Contact("Ann Lee"), ["expected_version"] = 1 }))["entity"]!;
        Assert.Equal(2, (int)updated["version"]!);
        Assert.Equal("Ann Lee", (string?)updated["attributes"]!["name"]);
        Assert.Null(updated["attributes"]!["email"]);
        Assert.Equal("2026-01-01T09:00:01.000Z", (string?)updated["updatedAt"]);

        var refused = RecordsClient.Error(await client.CallAsync("delete_entity", new JsonObject { ["id"] = id }), "CONFIRMATION_REQUIRED");
        Assert.Equal($"Refusing to delete '{id}' without confirm=true.", (string?)refused["message"]);
        RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }));
        Assert.True((bool)RecordsClient.Ok(await client.CallAsync("delete_entity", new JsonObject { ["id"] = id, ["confirm"] = true }))["deleted"]!);
        var gone = RecordsClient.Error(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }), "NOT_FOUND");
        Assert.Equal($"No entity '{id}' in group '{server.TenantId}'.", (string?)gone["message"]);
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_carrying_the_current_entity_to_rebase_on()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var first = await ConnectWithContactsAsync(server);
        using var second = await RecordsClient.ConnectAsync(server);
        var id = (string)RecordsClient.Ok(await first.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann") }))["entity"]!["id"]!;

        // Both read version 1; the second writer wins, the first is told what is there now.
        RecordsClient.Ok(await second.CallAsync("update_entity", new JsonObject { ["id"] = id, ["attributes"] = Contact("Ann", "ann@example.com"), ["expected_version"] = 1 }));
        var conflict = RecordsClient.Error(await first.CallAsync("update_entity", new JsonObject { ["id"] = id, ["attributes"] = Contact("Ann Lee"), ["expected_version"] = 1 }), "CONFLICT");

        Assert.Equal($"Entity '{id}' is at version 2, not the expected version 1.", (string?)conflict["message"]);
        Assert.True((bool)conflict["details"]!["isConflict"]!);
        Assert.Equal(2, (int)conflict["details"]!["currentVersion"]!);
        Assert.Equal("ann@example.com", (string?)conflict["details"]!["entity"]!["attributes"]!["email"]);
        Assert.Contains("expected_version: 2", (string?)conflict["hint"], StringComparison.Ordinal);

        // Rebase: the first writer applies its change to the current attributes and retries with the current version.
        var rebased = conflict["details"]!["entity"]!["attributes"]!.DeepClone().AsObject();
        rebased["name"] = "Ann Lee";
        var saved = RecordsClient.Ok(await first.CallAsync("update_entity", new JsonObject { ["id"] = id, ["attributes"] = rebased, ["expected_version"] = 2 }))["entity"]!;
        Assert.Equal(3, (int)saved["version"]!);
        Assert.Equal("Ann Lee", (string?)saved["attributes"]!["name"]);
        Assert.Equal("ann@example.com", (string?)saved["attributes"]!["email"]);
    }

    [Theory]
    [InlineData("get_entity", "507f1f77bcf86cd79943901z")]
    [InlineData("get_entity", "507f1f77bcf86cd7994390")]
    [InlineData("get_entity", "507f1f77-bcf8-6cd7-9943-9011")]
    [InlineData("update_entity", "' OR 1=1 --")]
    [InlineData("delete_entity", "507f1f77bcf86cd799439011507f1f77bcf86cd799439011")]
    public async Task An_id_that_is_not_24_hex_characters_is_an_invalid_OctoObjectId(string tool, string id)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);

        var error = RecordsClient.Error(await client.CallAsync(tool, new JsonObject { ["id"] = id, ["attributes"] = Contact("x"), ["confirm"] = true }.OnlyArgumentsOf(tool)), "VALIDATION_FAILED");

        Assert.StartsWith("Invalid OctoObjectId '", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("24-character hex string", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("507f1f77bcf86cd799439011", (string?)error["hint"], StringComparison.Ordinal);
        Assert.Equal("id", (string?)error["details"]!["path"]);
    }

    [Fact]
    public async Task An_upper_case_id_is_the_same_entity()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);
        var id = (string)RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann") }))["entity"]!["id"]!;

        Assert.Equal(id, (string?)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id.ToUpperInvariant() }))["entity"]!["id"]);
    }

    [Fact]
    public async Task Attributes_that_do_not_match_the_schema_fail_validation_naming_every_path_and_nothing_is_stored()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);

        var error = RecordsClient.Error(await client.CallAsync("create_entity", new JsonObject
        {
            ["modelId"] = "Basic.Contact-1",
            ["attributes"] = new JsonObject { ["email"] = "not an address", ["tags"] = new JsonArray("ok", 7), ["extra"] = true },
        }), "VALIDATION_FAILED");

        Assert.StartsWith("Attributes do not match model 'Basic.Contact-1': ", (string?)error["message"], StringComparison.Ordinal);
        var paths = error["details"]!["violations"]!.AsArray().Select(v => (string)v!["path"]!).ToList();
        Assert.Contains("attributes.email", paths);
        Assert.Contains("attributes.tags[1]", paths);
        Assert.Contains(paths, p => p.StartsWith("attributes", StringComparison.Ordinal) && error["details"]!["violations"]!.AsArray().Any(v => ((string)v!["message"]!).Contains("name", StringComparison.Ordinal)));
        Assert.Equal(paths[0], (string?)error["details"]!["path"]);

        var id = (string)RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann") }))["entity"]!["id"]!;
        var update = RecordsClient.Error(await client.CallAsync("update_entity", new JsonObject { ["id"] = id, ["attributes"] = new JsonObject { ["name"] = 42 } }), "VALIDATION_FAILED");
        Assert.Equal("attributes.name", (string?)update["details"]!["path"]);
        Assert.Equal(1, (int)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = id }))["entity"]!["version"]!);
    }

    [Fact]
    public async Task Creating_an_entity_of_a_model_the_group_does_not_have_is_not_found_or_an_invalid_CkTypeId()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var missing = RecordsClient.Error(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann") }), "NOT_FOUND");
        var semver = RecordsClient.Error(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1.0.0", ["attributes"] = Contact("Ann") }), "VALIDATION_FAILED");

        Assert.Equal($"No model 'Basic.Contact-1' in group '{server.TenantId}'.", (string?)missing["message"]);
        Assert.Contains("import_model", (string?)missing["hint"], StringComparison.Ordinal);
        Assert.StartsWith("Invalid CkTypeId 'Basic.Contact-1.0.0'", (string?)semver["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_create_needs_pro_plus_and_stores_all_or_nothing()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);
        var items = new JsonArray([.. Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact($"C{i}") })]);

        var refused = RecordsClient.Error(await client.CallAsync("bulk_create_entities", new JsonObject { ["items"] = items.DeepClone() }), "TIER_REQUIRED");
        Assert.Equal("Tool 'bulk_create_entities' requires tier 'pro_plus' (current: 'basic')", (string?)refused["message"]);
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));

        var invalid = items.DeepClone().AsArray();
        invalid.Add(new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = new JsonObject { ["name"] = "" } });
        var error = RecordsClient.Error(await client.CallAsync("bulk_create_entities", new JsonObject { ["items"] = invalid }), "VALIDATION_FAILED");
        Assert.Equal("items[3].attributes.name", (string?)error["details"]!["path"]);
        var tooMany = new JsonArray([.. Enumerable.Range(0, 1001).Select(i => (JsonNode)new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("x") })]);
        RecordsClient.Error(await client.CallAsync("bulk_create_entities", new JsonObject { ["items"] = tooMany }), "VALIDATION_FAILED");
        Assert.Empty(RecordsClient.Ok(await client.CallAsync("list-records"))["records"]!.AsArray());

        var thousand = new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode)new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact($"C{i}") })]);
        var created = RecordsClient.Ok(await client.CallAsync("bulk_create_entities", new JsonObject { ["items"] = thousand }));
        Assert.Equal(1000, created["entities"]!.AsArray().Count);
        Assert.Equal(1000L, await TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM data_entities WHERE tenant_id = '{server.TenantId}' AND model = 'Basic.Contact-1'"));
    }

    [Fact]
    public async Task Bulk_update_applies_every_change_or_none_and_reports_the_conflicting_item()
    {
        await using var server = await PorticoTestServer.StartAsync();
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));
        using var client = await ConnectWithContactsAsync(server);
        var ids = new List<string>();
        foreach (var name in new[] { "Ann", "Ben" })
        {
            ids.Add((string)RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact(name) }))["entity"]!["id"]!);
        }

        RecordsClient.Ok(await client.CallAsync("update_entity", new JsonObject { ["id"] = ids[1], ["attributes"] = Contact("Ben B") }));
        var conflict = RecordsClient.Error(await client.CallAsync("bulk_update_entities", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["id"] = ids[0], ["attributes"] = Contact("Ann 2"), ["expected_version"] = 1 },
                new JsonObject { ["id"] = ids[1], ["attributes"] = Contact("Ben 2"), ["expected_version"] = 1 }),
        }), "CONFLICT");
        Assert.Equal("items[1].id", (string?)conflict["details"]!["path"]);
        Assert.Equal(2, (int)conflict["details"]!["currentVersion"]!);
        Assert.Equal("Ann", (string?)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = ids[0] }))["entity"]!["attributes"]!["name"]);

        var missing = RecordsClient.Error(await client.CallAsync("bulk_update_entities", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["id"] = ids[0], ["attributes"] = Contact("Ann 2") },
                new JsonObject { ["id"] = "0123456789abcdef01234567", ["attributes"] = Contact("nobody") }),
        }), "NOT_FOUND");
        Assert.Equal("items[1].id", (string?)missing["details"]!["path"]);

        var done = RecordsClient.Ok(await client.CallAsync("bulk_update_entities", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["id"] = ids[0], ["attributes"] = Contact("Ann 2"), ["expected_version"] = 1 },
                new JsonObject { ["id"] = ids[1], ["attributes"] = Contact("Ben 2"), ["expected_version"] = 2 }),
        }));
        Assert.Equal([2, 3], done["entities"]!.AsArray().Select(e => (int)e!["version"]!));
        Assert.Equal("Ben 2", (string?)RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = ids[1] }))["entity"]!["attributes"]!["name"]);
    }

    [Fact]
    public async Task Records_are_entities_and_a_collection_that_names_a_model_is_validated_by_it()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await ConnectWithContactsAsync(server);

        var note = RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["anything"] = 1 } }))["record"]!;
        var entity = RecordsClient.Ok(await client.CallAsync("get_entity", new JsonObject { ["id"] = (string)note["id"]! }))["entity"]!;
        Assert.Equal("notes", (string?)entity["modelId"]);
        Assert.Equal(1, (int)entity["attributes"]!["anything"]!);

        var refused = RecordsClient.Error(await client.CallAsync("create-record", new JsonObject { ["collection"] = "Basic.Contact-1", ["data"] = new JsonObject { ["nom"] = "Ann" } }), "VALIDATION_FAILED");
        Assert.StartsWith("Attributes do not match model 'Basic.Contact-1'", (string?)refused["message"], StringComparison.Ordinal);
        var contact = RecordsClient.Ok(await client.CallAsync("create_entity", new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = Contact("Ann") }))["entity"]!;
        var asRecord = RecordsClient.Ok(await client.CallAsync("get-record", new JsonObject { ["id"] = (string)contact["id"]! }))["record"]!;
        Assert.Equal("Basic.Contact-1", (string?)asRecord["collection"]);
        RecordsClient.Error(await client.CallAsync("update-record", new JsonObject { ["id"] = (string)contact["id"]!, ["data"] = new JsonObject { ["name"] = 1 } }), "VALIDATION_FAILED");
    }
}
