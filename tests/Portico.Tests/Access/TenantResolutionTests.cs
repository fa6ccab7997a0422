using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

/// <summary>
/// Tenant resolution, one test per step of the order: argument &gt; URL &gt; active group &gt; key's
/// bound tenant &gt; the user's only tenant; and the errors when none applies.
/// </summary>
public sealed class TenantResolutionTests
{
    private const string Email = "multi@portico.test";

    [Fact]
    public async Task Argument_wins_over_url_and_the_result_says_which_tenant_was_used()
    {
        await using var world = await World.StartAsync();
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client, $"/{world.B}/mcp");
        var session = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(session, "team-note", new JsonObject { ["tenantId"] = world.A });
        var texts = response.Final["result"]!["content"]!.AsArray().Select(c => (string?)c!["text"]).ToList();

        Assert.Equal(world.A, texts[0]);
        Assert.Contains($"used tenant '{world.A}' from the tenantId argument; the URL names '{world.B}'", texts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_wins_over_the_active_group()
    {
        await using var world = await World.StartAsync();
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client, $"/{world.B}/mcp");
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = world.A });

        Assert.Equal(world.B, Text(await mcp.CallToolAsync(session, "team-note")));
        Assert.Equal("url", Resolved(await mcp.CallToolAsync(session, "get-session-context"))["source"]!.ToString());
    }

    [Fact]
    public async Task Active_group_wins_over_the_keys_bound_tenant_when_both_are_available()
    {
        await using var world = await World.StartAsync();
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var set = await mcp.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = world.B });
        var context = set.Final["result"]!["structuredContent"]!;

        Assert.Equal(world.B, (string?)context["activeGroupId"]);
        Assert.Equal(world.B, Text(await mcp.CallToolAsync(session, "team-note")));
        Assert.Equal("active-group", Resolved(await mcp.CallToolAsync(session, "get-session-context"))["source"]!.ToString());
    }

    [Fact]
    public async Task Bound_key_resolves_its_tenant_and_refuses_another()
    {
        await using var world = await World.StartAsync();
        var bound = await world.Server.AdminAsync(a => a.CreateKeyAsync(Email, "bound", world.A, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var client = world.Server.CreateClient(bound.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        Assert.Equal(world.A, Text(await mcp.CallToolAsync(session, "team-note")));
        Assert.Equal("key", Resolved(await mcp.CallToolAsync(session, "get-session-context"))["source"]!.ToString());
        AssertError(await mcp.CallToolAsync(session, "team-note", new JsonObject { ["tenantId"] = world.B }),
            "GROUP_NOT_AVAILABLE", $"Group '{world.B}' is not available for this user.");
        AssertError(await mcp.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = world.B }),
            "GROUP_NOT_AVAILABLE", $"Group '{world.B}' is not available for this user.");
    }

    [Fact]
    public async Task Only_tenant_is_used_when_nothing_else_names_one()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        Assert.Equal(server.TenantId, Text(await mcp.CallToolAsync(session, "team-note")));
        Assert.Equal("only-tenant", Resolved(await mcp.CallToolAsync(session, "get-session-context"))["source"]!.ToString());
    }

    [Fact]
    public async Task Several_groups_and_none_chosen_asks_for_set_active_group()
    {
        await using var world = await World.StartAsync();
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(session, "team-note");

        AssertError(response, "NO_ACTIVE_GROUP", "No active group set. Call set-active-group first.");
        var available = response.Final["result"]!["structuredContent"]!["error"]!["details"]!["availableGroupIds"]!.AsArray().Select(v => (string?)v);
        Assert.Equal(new[] { world.A, world.B }.Order(), available.Order());
    }

    [Fact]
    public async Task No_membership_at_all_is_tenant_unresolved_with_the_ways_to_fix_it()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        var lonely = await server.AdminAsync(a => a.CreateKeyAsync("lonely@portico.test", "x", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(lonely.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(session, "team-note");

        AssertError(response, "TENANT_UNRESOLVED", "No tenant could be resolved");
        var hint = (string?)response.Final["result"]!["structuredContent"]!["error"]!["hint"];
        Assert.Contains("tenantId", hint, StringComparison.Ordinal);
        Assert.Contains("set-active-group", hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_active_group_to_a_foreign_group_lists_the_valid_ids()
    {
        await using var world = await World.StartAsync();
        var stranger = await world.Server.AdminAsync(a => a.CreateTenantAsync("Strangers", "basic", CancellationToken.None));
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = stranger.Id });

        AssertError(response, "GROUP_NOT_AVAILABLE", $"Group '{stranger.Id}' is not available for this user.");
        var available = response.Final["result"]!["structuredContent"]!["error"]!["details"]!["availableGroupIds"]!.AsArray().Select(v => (string?)v);
        Assert.DoesNotContain(stranger.Id, available);
    }

    [Fact]
    public async Task Active_group_survives_a_restart()
    {
        await using var world = await World.StartAsync();
        using var client = world.Server.CreateClient(world.Key);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = world.B });

        await world.Server.RestartAsync();
        using var client2 = world.Server.CreateClient(world.Key);

        Assert.Equal(world.B, Text(await new McpHttp(client2).CallToolAsync(session, "team-note")));
    }

    private static string? Text(McpHttpResponse response) => (string?)response.Final["result"]!["content"]![0]!["text"];

    private static JsonNode Resolved(McpHttpResponse response) => response.Final["result"]!["structuredContent"]!["resolvedGroup"]!;

    private static void AssertError(McpHttpResponse response, string code, string message)
    {
        var result = response.Final["result"]!;
        Assert.True((bool?)result["isError"]);
        Assert.Equal(code, (string?)result["structuredContent"]!["error"]!["code"]);
        Assert.Equal(message, (string?)result["structuredContent"]!["error"]!["message"]);
        Assert.NotNull((string?)result["structuredContent"]!["error"]!["requestId"]);
    }

    /// <summary>A user in two tenants A and B, with an unbound key.</summary>
    private sealed class World : IAsyncDisposable
    {
        public required PorticoTestServer Server { get; init; }

        public required string A { get; init; }

        public required string B { get; init; }

        public required string Key { get; init; }

        public static async Task<World> StartAsync()
        {
            var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
            var a = await server.AdminAsync(x => x.CreateTenantAsync("Alpha", "basic", CancellationToken.None));
            var b = await server.AdminAsync(x => x.CreateTenantAsync("Beta", "pro", CancellationToken.None));
            await server.AdminAsync(x => x.AddMemberAsync(a.Id, Email, "member", CancellationToken.None));
            await server.AdminAsync(x => x.AddMemberAsync(b.Id, Email, "admin", CancellationToken.None));
            var key = await server.AdminAsync(x => x.CreateKeyAsync(Email, "multi", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
            return new World { Server = server, A = a.Id, B = b.Id, Key = key.Plaintext };
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
