using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

public sealed class TimeoutTests
{
    [Fact]
    public async Task A_tool_past_its_timeout_fails_with_TIMEOUT()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack(), configuration: new Dictionary<string, string?>
        {
            ["Portico:Policy:ToolTimeouts:slow"] = "00:00:00.300",
        });
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var result = (await mcp.CallToolAsync(session, "slow")).Final["result"]!;

        Assert.True((bool?)result["isError"]);
        Assert.Equal("TIMEOUT", (string?)result["structuredContent"]!["error"]!["code"]);
        Assert.Contains("did not finish within 0.3 s", (string?)result["structuredContent"]!["error"]!["message"], StringComparison.Ordinal);
    }
}
