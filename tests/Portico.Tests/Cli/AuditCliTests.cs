using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Policy.Audit;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary><c>portico audit</c> finds calls by request id, session, tenant, tool and time.</summary>
public sealed class AuditCliTests
{
    [Fact]
    public async Task Audit_finds_a_call_by_request_id_session_tool_and_tenant()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        var first = await mcp.CallToolAsync(session, "ping", new JsonObject { ["message"] = "one" });
        await mcp.CallToolAsync(session, "get-session-context", id: 3);
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);

        var byRequest = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--request-id", first.RequestId!, "--json");
        var bySession = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--session", session, "--json");
        var byTool = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--tool", "get-session-context", "--tenant", server.TenantId, "--json");
        var text = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--since", "2025-12-31T00:00:00Z"); // the server runs on a fake clock (2026-01-01)

        Assert.Equal(0, byRequest.ExitCode);
        var record = Assert.Single(JsonNode.Parse(byRequest.Output)!.AsArray())!;
        Assert.Equal(("ping", "ok", session), ((string?)record["tool"], (string?)record["outcome"], (string?)record["sessionId"]));
        // The call's trace, to find its spans and log lines.
        Assert.Matches("^[0-9a-f]{32}$", (string?)record["traceId"]);
        Assert.Contains((string)record["traceId"]!, text.Output, StringComparison.Ordinal);
        Assert.Equal(2, JsonNode.Parse(bySession.Output)!.AsArray().Count);
        Assert.Single(JsonNode.Parse(byTool.Output)!.AsArray());
        Assert.Contains("get-session-context", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_finds_calls_by_error_code_and_user_and_a_pasted_error_text()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "ping");
        var refused = await mcp.CallToolAsync(session, "ping", new JsonObject { ["nope"] = 1 }, id: 3);
        var errorText = (string)refused.Final["result"]!["content"]![0]!["text"]!;

        var byCode = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--error-code", "VALIDATION_FAILED", "--json");
        var byUser = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--user", PorticoTestServer.UserEmail, "--json");
        var byPastedText = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--request-id", errorText, "--json");
        var unknownUser = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "audit", "--user", "nobody@portico.test");

        Assert.Equal(refused.RequestId, (string?)Assert.Single(JsonNode.Parse(byCode.Output)!.AsArray())!["requestId"]);
        Assert.Equal(2, JsonNode.Parse(byUser.Output)!.AsArray().Count);
        Assert.Equal(refused.RequestId, (string?)Assert.Single(JsonNode.Parse(byPastedText.Output)!.AsArray())!["requestId"]);
        Assert.Equal(2, unknownUser.ExitCode);
        Assert.Contains("No user 'nobody@portico.test'", unknownUser.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_with_a_bad_since_explains_the_format()
    {
        using var sandbox = new CliSandbox();

        var result = await sandbox.RunAsync("audit", "--since", "yesterday-ish");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("hint: Pass --since as 30m", result.Error, StringComparison.Ordinal);
    }
}
