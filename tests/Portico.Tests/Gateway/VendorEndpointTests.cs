using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary><c>/vendors/{name}/mcp</c>: one upstream's tools under their own names, through the same auth, sessions and pipeline as /mcp.</summary>
public sealed class VendorEndpointTests
{
    [Fact]
    public async Task A_vendor_endpoint_serves_only_its_upstreams_tools_unprefixed_through_the_pipeline()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.AddStdioAsync("memory", UpstreamServers.Memory);
        await gateway.WaitUpAsync("everything");
        await gateway.WaitUpAsync("memory");
        using var client = gateway.Server.CreateClient(gateway.Server.ApiKey);
        var mcp = new McpHttp(client, "/vendors/everything/mcp");
        var session = await mcp.InitializeAsync();

        var listed = await mcp.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session);
        var names = listed.Final["result"]!["tools"]!.AsArray().Select(t => (string)t!["name"]!).ToList();
        Assert.Contains("echo", names);
        Assert.DoesNotContain("everything__echo", names);
        Assert.DoesNotContain("ping", names); // native tools live on /mcp
        Assert.DoesNotContain(names, n => n.StartsWith("memory", StringComparison.Ordinal) || n == "read_graph");

        var echo = await mcp.CallToolAsync(session, "echo", new JsonObject { ["message"] = "via the vendor path" }, id: 3);
        Assert.Equal("Echo: via the vendor path", (string?)echo.Final["result"]!["content"]![0]!["text"]);

        // The same pipeline: schema validation answers in the one envelope.
        var invalid = await mcp.CallToolAsync(session, "echo", new JsonObject { ["message"] = 42 }, id: 4);
        Assert.Equal("VALIDATION_FAILED", (string?)invalid.Final["result"]!["structuredContent"]!["error"]!["code"]);

        // Another upstream's tool, prefixed or not, is not on this path.
        var other = await mcp.CallToolAsync(session, "read_graph", id: 5);
        Assert.Contains("Unknown tool: 'read_graph' on upstream 'everything'", (string?)other.Final["error"]!["message"], StringComparison.Ordinal);
        var prefixed = await mcp.CallToolAsync(session, "everything__echo", new JsonObject { ["message"] = "x" }, id: 6);
        Assert.NotNull(prefixed.Final["error"]);

        // Same authentication as /mcp.
        using var anonymous = gateway.Server.CreateClient(null);
        var refused = await new McpHttp(anonymous, "/vendors/everything/mcp").PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task An_unknown_or_disabled_vendor_is_a_json_404_naming_where_to_look()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.AddWithCliAsync("--name", "sleeping", "--command", UpstreamServers.Node, "--arg", UpstreamServers.Everything, "--arg", "stdio", "--disabled");
        await gateway.WaitUpAsync("everything");
        using var client = gateway.Server.CreateClient(gateway.Server.ApiKey);

        foreach (var name in new[] { "nosuch", "sleeping" })
        {
            var response = await new McpHttp(client, $"/vendors/{name}/mcp").PostAsync(McpHttp.Initialize());
            Assert.Equal(HttpStatusCode.NotFound, response.Status);
            var body = JsonNode.Parse(response.Body)!;
            Assert.Equal($"No enabled upstream is named '{name}'.", (string?)body["error"]);
            Assert.Contains("/health/vendors", (string?)body["hint"], StringComparison.Ordinal);
            Assert.Contains("portico upstreams list", (string?)body["hint"], StringComparison.Ordinal);
        }
    }
}
