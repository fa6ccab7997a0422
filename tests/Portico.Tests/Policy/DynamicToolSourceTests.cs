using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Catalog;
using Portico.Policy;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

/// <summary>Tools of run-time sources (upstreams) join and leave the catalog without a restart.</summary>
public sealed class DynamicToolSourceTests
{
    [Fact]
    public async Task A_source_going_down_hides_its_tools_explains_them_and_brings_them_back()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var source = new FakeToolSource();
        server.Services.GetRequiredService<McpCatalog>().AddSource(source);
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        Assert.Contains("fake__echo", await NamesAsync(mcp, session));
        Assert.Equal("echo", (string?)(await mcp.CallToolAsync(session, "fake__echo")).Final["result"]!["content"]![0]!["text"]);

        source.SetUp(false);
        var down = (await mcp.CallToolAsync(session, "fake__echo", id: 3)).Final["result"]!;
        var explained = (await mcp.CallToolAsync(session, "list_available_tools", id: 4)).Final["result"]!["structuredContent"]!["unavailable"]!.AsArray();

        Assert.DoesNotContain("fake__echo", await NamesAsync(mcp, session));
        Assert.Equal("UPSTREAM_UNAVAILABLE", (string?)down["structuredContent"]!["error"]!["code"]);
        Assert.Contains(explained, t => (string?)t!["name"] == "fake__echo" && (string?)t["reason"] == "UPSTREAM_UNAVAILABLE");

        source.SetUp(true);
        Assert.Contains("fake__echo", await NamesAsync(mcp, session));
    }

    private static async Task<List<string?>> NamesAsync(McpHttp mcp, string session)
        => [.. (await mcp.PostAsync("""{"jsonrpc":"2.0","id":50,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray().Select(t => (string?)t!["name"])];
}
