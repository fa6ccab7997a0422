using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;

namespace Portico.Tests.Tools.Records;

/// <summary><c>create-record</c> with an idempotency key stores one record per key and tenant, however often and however concurrently it is called.</summary>
public sealed class RecordIdempotencyTests
{
    [Fact]
    public async Task The_same_key_twice_returns_the_original_record_as_a_duplicate()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var first = RecordsClient.Ok(await client.CallAsync("create-record", Create("order-17", "first")));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var secondResult = await client.CallAsync("create-record", Create("order-17", "second"));
        var second = RecordsClient.Ok(secondResult);

        Assert.False((bool)first["duplicate"]!);
        Assert.True((bool)second["duplicate"]!);
        Assert.True(JsonNode.DeepEquals(first["record"], second["record"]));
        Assert.Equal("first", (string?)second["record"]!["data"]!["text"]);
        Assert.Contains("Nothing new was stored", RecordsClient.Text(secondResult), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(server, server.TenantId, "order-17"));
    }

    [Fact]
    public async Task Ten_concurrent_creates_with_one_key_store_exactly_one_record()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RecordsClient.ConnectAsync(server)));
        try
        {
            var results = await Task.WhenAll(clients.Select((c, i) => c.CallAsync("create-record", Create("burst", $"call {i}"))));
            var structured = results.Select(RecordsClient.Ok).ToList();

            Assert.Single(structured.Select(s => (string)s["record"]!["id"]!).Distinct());
            Assert.Single(structured, s => !(bool)s["duplicate"]!);
            Assert.Equal(1, await CountAsync(server, server.TenantId, "burst"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_same_key_in_another_tenant_creates_a_separate_record()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "member", CancellationToken.None));
        using var client = await RecordsClient.ConnectAsync(server);

        var mine = RecordsClient.Ok(await client.CallAsync("create-record", Create("shared-key", "mine", server.TenantId)));
        var theirs = RecordsClient.Ok(await client.CallAsync("create-record", Create("shared-key", "theirs", other.Id)));
        var again = RecordsClient.Ok(await client.CallAsync("create-record", Create("shared-key", "again", other.Id)));

        Assert.False((bool)mine["duplicate"]!);
        Assert.False((bool)theirs["duplicate"]!);
        Assert.NotEqual((string?)mine["record"]!["id"], (string?)theirs["record"]!["id"]);
        Assert.Equal(other.Id, (string?)theirs["record"]!["tenantId"]);
        Assert.Equal("theirs", (string?)theirs["record"]!["data"]!["text"]);
        Assert.True((bool)again["duplicate"]!);
        Assert.Equal((string?)theirs["record"]!["id"], (string?)again["record"]!["id"]);
        Assert.Equal(1, await CountAsync(server, server.TenantId, "shared-key"));
        Assert.Equal(1, await CountAsync(server, other.Id, "shared-key"));
    }

    private static JsonObject Create(string key, string text, string? tenantId = null)
    {
        var arguments = new JsonObject { ["collection"] = "orders", ["data"] = new JsonObject { ["text"] = text }, ["idempotencyKey"] = key };
        if (tenantId is not null)
        {
            arguments["tenantId"] = tenantId;
        }

        return arguments;
    }

    /// <summary>Rows in the store itself, not what a tool answers.</summary>
    private static async Task<int> CountAsync(PorticoTestServer server, string tenantId, string key)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        return await db.Set<EntityRow>().CountAsync(r => r.TenantId == tenantId && r.IdempotencyKey == key);
    }
}
