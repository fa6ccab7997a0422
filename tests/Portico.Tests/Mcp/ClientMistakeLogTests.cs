using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>
/// A client's mistake (unknown tool, invalid arguments, a bad or foreign credential) is answered, not logged as a
/// server fault: no Error line and no stack trace. A tool that really fails still is.
/// </summary>
public sealed class ClientMistakeLogTests
{
    [Fact]
    public async Task Client_mistakes_log_no_error_and_no_stack_trace_but_a_failing_tool_does()
    {
        var capture = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s =>
        {
            s.AddSingleton<ILoggerProvider>(capture);
            s.AddMcpPack<FaultyPack>();
        });
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();
        // What start-up logged is not this test's business (StartupLogTests reads it).
        var before = capture.Entries.Count;

        var unknown = await mcp.CallToolAsync(session, "no_such_tool");
        Assert.Equal(-32602, (int?)unknown.Final["error"]?["code"]);
        var invalid = await mcp.CallToolAsync(session, "ping", new JsonObject { ["message"] = 42 }, id: 3);
        Assert.True((bool?)invalid.Final["result"]?["isError"]);

        using var badKey = server.CreateClient("ptk_live_0123456789abcdef_notarealkeynotarealkeynotareal");
        var unauthorized = await new McpHttp(badKey).PostAsync(McpHttp.Initialize(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.Status);

        var otherKey = await server.AdminAsync(a => a.CreateKeyAsync("other@example.com", "other", null, new HashSet<string>(Portico.Access.Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var other = server.CreateClient(otherKey.Plaintext);
        var forbidden = await new McpHttp(other).PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 4, ["method"] = "tools/list" }.ToJsonString(), session,
            protocolVersion: McpHttp.LatestSessionVersion, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.Status);

        await Eventually.AssertAsync(() => capture.Lines.Any(l => l.Contains("belongs to another principal", StringComparison.Ordinal)), "the refusal of the foreign session");
        Assert.Single(capture.Entries, e => e.Line.Contains("Refused credential", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Entries, e => e.Category.StartsWith("Portico.Identity.BearerAuthenticationHandler", StringComparison.Ordinal));
        Assert.All(capture.Entries.Skip(before), e =>
        {
            Assert.True(e.Level < LogLevel.Warning, $"a client's mistake logged at {e.Level}: {e.Line}");
            Assert.Null(e.Exception);
        });

        var failed = await mcp.CallToolAsync(session, FaultyPack.Tool, id: 5);
        Assert.True((bool?)failed.Final["result"]?["isError"]);
        var fault = await Eventually.ReturnsAsync(() => Task.FromResult(capture.Entries.FirstOrDefault(e => e.Exception is InvalidOperationException)),
            e => e is not null, "the failing tool's log line");
        Assert.Equal(LogLevel.Error, fault!.Level);
        Assert.Contains(nameof(FaultyPack), fault.Exception!.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_names_one_request_id_the_one_in_the_response()
    {
        var capture = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(capture));
        using var badKey = server.CreateClient("ptk_live_0123456789abcdef_notarealkeynotarealkeynotareal");
        var refused = await new McpHttp(badKey).PostAsync(McpHttp.Initialize(), cancellationToken: TestContext.Current.CancellationToken);
        var requestId = refused.Headers.GetValues("X-Request-Id").Single();

        var line = await Eventually.ReturnsAsync(() => Task.FromResult(capture.Lines.FirstOrDefault(l => l.Contains("Refused credential", StringComparison.Ordinal))),
            l => l is not null, "the refusal's log line");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line!, "RequestId:"));
        Assert.Contains($"RequestId:{requestId}", line, StringComparison.Ordinal);
        Assert.Contains("RequestPath:/mcp", line, StringComparison.Ordinal);
    }

    /// <summary>A tool with a bug: it throws what no client could have caused.</summary>
    private sealed class FaultyPack : IMcpPack
    {
        public const string Tool = "faulty";

        public string Name => "faulty-test";

        public void Register(CatalogBuilder catalog) => catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = Tool, Description = "always fails", InputSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement },
            Handler = Fail,
            Owner = Name,
        });

        private static ValueTask<CallToolResult> Fail(ToolInvocation invocation, CancellationToken cancellationToken)
            => throw new InvalidOperationException("a bug in " + nameof(FaultyPack));
    }
}
