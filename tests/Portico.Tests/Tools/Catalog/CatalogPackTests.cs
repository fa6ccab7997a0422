using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Catalog;

public sealed class CatalogPackTests
{
    [Fact]
    public async Task List_available_tools_explains_why_hidden_tools_are_hidden()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        var readOnly = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "ro", null, Scopes.Parse("content.read"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(readOnly.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var result = (await mcp.CallToolAsync(session, "list_available_tools")).Final["result"]!["structuredContent"]!;
        var unavailable = result["unavailable"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => (string?)t!["reason"]);
        var available = result["available"]!.AsArray().Select(t => (string?)t!["name"]).ToList();

        Assert.Equal("TIER_REQUIRED", unavailable["premium-report"]);
        Assert.Equal("SCOPE_NOT_ALLOWED", unavailable["write-note"]);
        Assert.Contains("ping", available);
        Assert.Contains("team-note", available);
        Assert.DoesNotContain("premium-report", available);
    }

    [Fact]
    public async Task Get_tool_details_reports_schema_gates_and_the_remaining_budget()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "write-other");
        await mcp.CallToolAsync(session, "write-other", id: 3);

        var details = (await mcp.CallToolAsync(session, "get_tool_details", new JsonObject { ["name"] = "write-other" }, id: 4)).Final["result"]!["structuredContent"]!;
        var premium = (await mcp.CallToolAsync(session, "get_tool_details", new JsonObject { ["name"] = "premium-report" }, id: 5)).Final["result"]!["structuredContent"]!;
        var ping = (await mcp.CallToolAsync(session, "get_tool_details", new JsonObject { ["name"] = "ping" }, id: 6)).Final["result"]!["structuredContent"]!;

        Assert.Equal(30, (int)details["rateLimit"]!["limit"]!);
        Assert.Equal(28, (int)details["rateLimit"]!["remaining"]!);
        Assert.True((bool)details["write"]!);
        Assert.Equal("object", (string?)details["inputSchema"]!["type"]);
        Assert.False((bool)premium["available"]!);
        Assert.Equal("TIER_REQUIRED", (string?)premium["unavailableReason"]!["code"]);
        Assert.Equal("pro_plus", (string?)premium["minimumTier"]);
        Assert.False((bool)ping["rateLimit"]!["limited"]!);
    }

    [Fact]
    public async Task Get_tool_details_of_an_unknown_tool_suggests_the_near_miss()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var result = (await mcp.CallToolAsync(session, "get_tool_details", new JsonObject { ["name"] = "pnig" })).Final["result"]!;

        Assert.True((bool?)result["isError"]);
        Assert.Equal("NOT_FOUND", (string?)result["structuredContent"]!["error"]!["code"]);
        Assert.Contains("Did you mean 'ping'?", (string?)result["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
    }
}
