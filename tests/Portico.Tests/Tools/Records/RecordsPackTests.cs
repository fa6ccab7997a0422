using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>The records tools through <c>/mcp</c> <c>tools/call</c>, as a client uses them.</summary>
public sealed class RecordsPackTests
{
    [Fact]
    public async Task Create_get_list_update_and_delete_a_record()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var created = RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject
        {
            ["collection"] = "notes",
            ["data"] = new JsonObject { ["title"] = "Call Ann", ["tags"] = new JsonArray("crm", "today") },
        }))["record"]!;
        var id = (string)created["id"]!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal(server.TenantId, (string?)created["tenantId"]);
        Assert.Equal("notes", (string?)created["collection"]);
        Assert.Equal(1, (int)created["version"]!);
        Assert.Equal("2026-01-01T09:00:00.000Z", (string?)created["createdAt"]);
        Assert.Equal((string?)created["createdAt"], (string?)created["updatedAt"]);

        var got = await client.CallAsync("get-record", new JsonObject { ["id"] = id });
        Assert.True(JsonNode.DeepEquals(created, RecordsClient.Ok(got)["record"]));
        Assert.Contains("Call Ann", RecordsClient.Text(got), StringComparison.Ordinal);

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "tasks", ["data"] = new JsonObject { ["done"] = false } }));
        var all = RecordsClient.Ok(await client.CallAsync("list-records"));
        Assert.Equal(["tasks", "notes"], all["records"]!.AsArray().Select(r => (string)r!["collection"]!));
        Assert.Null(all["nextCursor"]);
        var notes = RecordsClient.Ok(await client.CallAsync("list-records", new JsonObject { ["collection"] = "notes" }));
        Assert.Equal([id], notes["records"]!.AsArray().Select(r => (string)r!["id"]!));

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var updated = RecordsClient.Ok(await client.CallAsync("update-record", new JsonObject
        {
            ["id"] = id,
            ["data"] = new JsonObject { ["title"] = "Called Ann" },
            ["expectedVersion"] = 1,
        }))["record"]!;
        Assert.Equal(2, (int)updated["version"]!);
        Assert.Equal("Called Ann", (string?)updated["data"]!["title"]);
        Assert.Null(updated["data"]!["tags"]);
        Assert.Equal("2026-01-01T09:00:02.000Z", (string?)updated["updatedAt"]);
        Assert.Equal("2026-01-01T09:00:00.000Z", (string?)updated["createdAt"]);

        var deleted = RecordsClient.Ok(await client.CallAsync("delete-record", new JsonObject { ["id"] = id, ["confirm"] = true }));
        Assert.True((bool)deleted["deleted"]!);
        Assert.Equal(2, (int)deleted["record"]!["version"]!);

        var gone = RecordsClient.Error(await client.CallAsync("get-record", new JsonObject { ["id"] = id }), "NOT_FOUND");
        Assert.Equal($"No record '{id}' in group '{server.TenantId}'.", (string?)gone["message"]);
        Assert.Contains("list-records", (string?)gone["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_with_a_stale_expected_version_is_a_conflict_naming_the_current_version()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var id = (string)RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["n"] = 1 } }))["record"]!["id"]!;
        RecordsClient.Ok(await client.CallAsync("update-record", new JsonObject { ["id"] = id, ["data"] = new JsonObject { ["n"] = 2 } }));

        var conflict = RecordsClient.Error(await client.CallAsync("update-record", new JsonObject
        {
            ["id"] = id,
            ["data"] = new JsonObject { ["n"] = 3 },
            ["expectedVersion"] = 1,
        }), "CONFLICT");

        Assert.Equal(2, (int)conflict["details"]!["currentVersion"]!);
        Assert.Equal(1, (int)conflict["details"]!["expectedVersion"]!);
        Assert.Contains("expectedVersion: 2", (string?)conflict["hint"], StringComparison.Ordinal);
        var stored = RecordsClient.Ok(await client.CallAsync("get-record", new JsonObject { ["id"] = id }))["record"]!;
        Assert.Equal(2, (int)stored["data"]!["n"]!);
    }

    [Fact]
    public async Task List_pages_through_every_record_once_with_the_cursor()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Two records share each timestamp: the id breaks the tie, so no page repeats or skips one.
            if (i % 2 == 0)
            {
                server.Clock.Advance(TimeSpan.FromMilliseconds(5));
            }

            ids.Add((string)RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "log", ["data"] = new JsonObject { ["i"] = i } }))["record"]!["id"]!);
        }

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var arguments = new JsonObject { ["limit"] = 2 };
            if (cursor is not null)
            {
                arguments["cursor"] = cursor;
            }

            var page = RecordsClient.Ok(await client.CallAsync("list-records", arguments));
            seen.AddRange(page["records"]!.AsArray().Select(r => (string)r!["id"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(ids[4], seen[0]);
    }

    [Fact]
    public async Task Delete_without_confirm_is_refused_and_keeps_the_record()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var id = (string)RecordsClient.Ok(await client.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject() }))["record"]!["id"]!;

        var missing = RecordsClient.Error(await client.CallAsync("delete-record", new JsonObject { ["id"] = id }), "CONFIRMATION_REQUIRED");
        var refused = RecordsClient.Error(await client.CallAsync("delete-record", new JsonObject { ["id"] = id, ["confirm"] = false }), "CONFIRMATION_REQUIRED");

        Assert.Equal($"Refusing to delete '{id}' without confirm=true.", (string?)missing["message"]);
        Assert.Contains("confirm", (string?)missing["hint"], StringComparison.Ordinal);
        Assert.Equal((string?)missing["message"], (string?)refused["message"]);
        RecordsClient.Ok(await client.CallAsync("get-record", new JsonObject { ["id"] = id }));

        RecordsClient.Ok(await client.CallAsync("delete-record", new JsonObject { ["id"] = id, ["confirm"] = true }));
        RecordsClient.Error(await client.CallAsync("get-record", new JsonObject { ["id"] = id }), "NOT_FOUND");
        RecordsClient.Error(await client.CallAsync("delete-record", new JsonObject { ["id"] = id, ["confirm"] = true }), "NOT_FOUND");
    }

    [Theory]
    [InlineData("create-record", """{"data":{}}""", "collection")]
    [InlineData("create-record", """{"collection":"has space","data":{}}""", "collection")]
    [InlineData("create-record", """{"collection":"notes","data":[1]}""", "data")]
    [InlineData("create-record", """{"collection":"notes","data":{},"idempotencyKey":""}""", "idempotencyKey")]
    [InlineData("list-records", """{"limit":0}""", "limit")]
    [InlineData("list-records", """{"limit":101}""", "limit")]
    [InlineData("list-records", """{"limit":"5"}""", "limit")]
    [InlineData("list-records", """{"cursor":"not-a-cursor"}""", "cursor")]
    [InlineData("get-record", """{"id":"ABC"}""", "id")]
    [InlineData("get-record", """{}""", "id")]
    [InlineData("update-record", """{"id":"0123456789abcdef01234567","data":{},"expectedVersion":0}""", "expectedVersion")]
    public async Task Invalid_arguments_fail_validation_with_path_expected_and_received(string tool, string arguments, string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var error = RecordsClient.Error(await client.CallAsync(tool, JsonNode.Parse(arguments)!.AsObject()), "VALIDATION_FAILED");

        Assert.Equal(path, (string?)error["details"]!["path"]);
        Assert.False(string.IsNullOrEmpty((string?)error["details"]!["received"]));
        Assert.False(string.IsNullOrEmpty((string?)error["details"]!["expected"]));
        Assert.False(string.IsNullOrEmpty((string?)error["hint"]));
    }

    [Fact]
    public async Task Tools_list_describes_each_tool_with_annotations_and_a_tenantId_argument()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var list = await mcp.PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", session);
        var tools = list.Final["result"]!["tools"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => t!.AsObject());

        foreach (var name in new[] { "list-records", "get-record", "create-record", "update-record", "delete-record" })
        {
            Assert.True(tools.ContainsKey(name), name);
            Assert.Equal("object", (string?)tools[name]["inputSchema"]!["type"]);
            Assert.NotNull(tools[name]["inputSchema"]!["properties"]!["tenantId"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)tools[name]["description"]));
        }

        Assert.True((bool)tools["list-records"]["annotations"]!["readOnlyHint"]!);
        Assert.True((bool)tools["get-record"]["annotations"]!["readOnlyHint"]!);
        Assert.False((bool)tools["create-record"]["annotations"]!["readOnlyHint"]!);
        Assert.True((bool)tools["delete-record"]["annotations"]!["destructiveHint"]!);
        Assert.False((bool)tools["update-record"]["annotations"]!["destructiveHint"]!);
        Assert.Equal("boolean", (string?)tools["delete-record"]["inputSchema"]!["properties"]!["confirm"]!["type"]);
        Assert.Equal(["collection", "data"], tools["create-record"]["inputSchema"]!["required"]!.AsArray().Select(r => (string)r!));
    }
}
