using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;

namespace Portico.Tests.Tools.Records;

/// <summary>The tier and scope gates on records tools: what <c>tools/list</c> hides, <c>tools/call</c> refuses.</summary>
public sealed class RecordGateTests
{
    [Fact]
    public async Task Bulk_create_needs_pro_plus_and_works_all_or_nothing_after_the_upgrade()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var items = new JsonArray(
            new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "Ann" } },
            new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "Ben" } },
            new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["text"] = "hello" } });

        Assert.DoesNotContain("bulk-create-records", await client.ToolNamesAsync());
        var refused = RecordsClient.Error(await client.CallAsync("bulk-create-records", new JsonObject { ["items"] = items.DeepClone() }), "TIER_REQUIRED");
        Assert.Equal("Tool 'bulk-create-records' requires tier 'pro_plus' (current: 'basic')", (string?)refused["message"]);
        Assert.Equal(0, await CountAsync(server));

        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));

        Assert.Contains("bulk-create-records", await client.ToolNamesAsync());
        var created = RecordsClient.Ok(await client.CallAsync("bulk-create-records", new JsonObject { ["items"] = items.DeepClone() }));
        Assert.Equal(["Ann", "Ben", null], created["records"]!.AsArray().Select(r => (string?)r!["data"]!["name"]));
        Assert.All(created["records"]!.AsArray(), r => Assert.Equal(server.TenantId, (string?)r!["tenantId"]));
        Assert.Equal(3, await CountAsync(server));

        var invalid = new JsonArray(
            new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "Cy" } },
            new JsonObject { ["collection"] = "contacts", ["data"] = "not an object" });
        var error = RecordsClient.Error(await client.CallAsync("bulk-create-records", new JsonObject { ["items"] = invalid }), "VALIDATION_FAILED");
        Assert.Equal("items[1].data", (string?)error["details"]!["path"]);
        var tooMany = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)new JsonObject { ["collection"] = "c", ["data"] = new JsonObject() })]);
        Assert.Equal("items", (string?)RecordsClient.Error(await client.CallAsync("bulk-create-records", new JsonObject { ["items"] = tooMany }), "VALIDATION_FAILED")["details"]!["path"]);
        Assert.Equal(3, await CountAsync(server));
    }

    [Fact]
    public async Task A_read_only_key_lists_and_reads_but_cannot_see_or_call_write_tools()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var owner = await RecordsClient.ConnectAsync(server);
        var id = (string)RecordsClient.Ok(await owner.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject() }))["record"]!["id"]!;
        var readOnly = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "reader", null, Scopes.Parse("records.read"), null, test: true, CancellationToken.None));
        using var reader = await RecordsClient.ConnectAsync(server, readOnly.Plaintext);

        var tools = await reader.ToolNamesAsync();
        Assert.Contains("list-records", tools);
        Assert.Contains("get-record", tools);
        Assert.DoesNotContain("create-record", tools);
        Assert.DoesNotContain("update-record", tools);
        Assert.DoesNotContain("delete-record", tools);
        Assert.DoesNotContain("bulk-create-records", tools);

        var error = RecordsClient.Error(await reader.CallAsync("create-record", new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject() }), "SCOPE_NOT_ALLOWED");
        Assert.Equal("Tool 'create-record' is not allowed for scope 'portico/records.write'", (string?)error["message"]);
        RecordsClient.Error(await reader.CallAsync("delete-record", new JsonObject { ["id"] = id, ["confirm"] = true }), "SCOPE_NOT_ALLOWED");
        Assert.Single(RecordsClient.Ok(await reader.CallAsync("list-records"))["records"]!.AsArray());
        RecordsClient.Ok(await reader.CallAsync("get-record", new JsonObject { ["id"] = id }));
        Assert.Equal(1, await CountAsync(server));
    }

    private static async Task<int> CountAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<EntityRow>().CountAsync(r => r.TenantId == server.TenantId);
    }
}
