using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

public sealed class SessionGetTests
{
    [Fact]
    public async Task Session_get_method_returns_the_same_context_as_the_tool()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var method = (await mcp.PostAsync("""{"jsonrpc":"2.0","id":5,"method":"session/get"}""", session)).Final["result"]!;
        var tool = (await mcp.CallToolAsync(session, "get-session-context")).Final["result"]!["structuredContent"]!;

        Assert.Equal(session, (string?)method["sessionId"]);
        Assert.Equal(PorticoTestServer.UserEmail, (string?)method["user"]!["email"]);
        Assert.Equal(server.TenantId, (string?)method["groups"]![0]!["groupId"]);
        Assert.Equal("basic", (string?)method["groups"]![0]!["tier"]);
        Assert.Equal("owner", (string?)method["groups"]![0]!["role"]);
        Assert.Equal(tool.ToJsonString(), method.ToJsonString());
    }
}
