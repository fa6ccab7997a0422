using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Telemetry;

/// <summary>A log line written while serving a request names the request's trace, so an operator goes from the line to the trace.</summary>
public sealed class TraceLogTests
{
    [Fact]
    public async Task A_line_logged_during_a_call_carries_the_trace_id_of_the_call()
    {
        var capture = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(capture));
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        using var root = new Activity("test-client").SetIdFormat(ActivityIdFormat.W3C).Start();
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        // A session owned by someone else: refused, and logged (a warning) while the request is served.
        var otherKey = await server.AdminAsync(a => a.CreateKeyAsync("other@example.com", "other", null, new HashSet<string>(Portico.Access.Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var other = server.CreateClient(otherKey.Plaintext);
        var refused = await new McpHttp(other).PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 3, ["method"] = "tools/list" }.ToJsonString(), session,
            protocolVersion: McpHttp.LatestSessionVersion, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);

        var trace = root.TraceId.ToHexString();
        await Eventually.AssertAsync(() => capture.Lines.Any(l => l.Contains("belongs to another principal", StringComparison.Ordinal) && l.Contains($"TraceId:{trace}", StringComparison.Ordinal)),
            "the refusal's log line with the call's trace id");
    }
}
