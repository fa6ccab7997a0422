using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

/// <summary>Tier and scope gates apply identically to tools/list and tools/call, and a plan change reaches open sessions.</summary>
public sealed class GateTests
{
    [Fact]
    public async Task Tier_gated_tool_is_hidden_and_refused_for_a_lower_tier()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var names = await ToolNamesAsync(mcp, session);
        var call = await mcp.CallToolAsync(session, "premium-report");

        Assert.DoesNotContain("premium-report", names);
        Assert.Contains("team-note", names);
        AssertError(call, "TIER_REQUIRED", "Tool 'premium-report' requires tier 'pro_plus' (current: 'basic')");
    }

    [Fact]
    public async Task Scope_gated_tool_is_hidden_and_refused_for_a_key_without_the_scope()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        var readOnly = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "ro", null, Scopes.Parse("records.read"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(readOnly.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var names = await ToolNamesAsync(mcp, session);
        var call = await mcp.CallToolAsync(session, "write-note");

        Assert.DoesNotContain("write-note", names);
        AssertError(call, "SCOPE_NOT_ALLOWED", "Tool 'write-note' is not allowed for scope 'portico/records.write'");
    }

    [Fact]
    public async Task Plan_upgrade_shows_gated_tools_in_an_open_session_with_list_changed()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        Assert.DoesNotContain("premium-report", await ToolNamesAsync(mcp, session));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Mcp-Session-Id", session);
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));
        Assert.StartsWith("event: prime", await reader.ReadLineAsync(timeout.Token), StringComparison.Ordinal);

        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.Contains("notifications/tools/list_changed", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.Contains("premium-report", await ToolNamesAsync(mcp, session));
        Assert.Equal(server.TenantId, (string?)(await mcp.CallToolAsync(session, "premium-report")).Final["result"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task Narrowing_a_keys_scopes_changes_what_its_open_session_sees()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        var key = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "k", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(key.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        Assert.Contains("write-note", await ToolNamesAsync(mcp, session));

        await server.AdminAsync(a => a.SetKeyScopesAsync(key.Record.Id, Scopes.Parse("records.read"), CancellationToken.None));

        Assert.DoesNotContain("write-note", await ToolNamesAsync(mcp, session));
    }

    private static async Task<List<string?>> ToolNamesAsync(McpHttp mcp, string session)
    {
        var list = await mcp.PostAsync("""{"jsonrpc":"2.0","id":99,"method":"tools/list"}""", session);
        return [.. list.Final["result"]!["tools"]!.AsArray().Select(t => (string?)t!["name"])];
    }

    private static void AssertError(McpHttpResponse response, string code, string message)
    {
        var result = response.Final["result"]!;
        Assert.True((bool?)result["isError"]);
        Assert.Equal(code, (string?)result["structuredContent"]!["error"]!["code"]);
        Assert.Equal(message, (string?)result["structuredContent"]!["error"]!["message"]);
        Assert.Contains(message, (string?)result["content"]![0]!["text"], StringComparison.Ordinal);
    }
}
