using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>Real upstream MCP servers (server-everything, server-memory) behind Portico's one endpoint, reached with the C# SDK client.</summary>
public sealed class GatewayProxyTests
{
    private static readonly string[] Observations = ["fronts upstreams"];
    private static readonly int[] ThreeSteps = [1, 2, 3];

    [Fact]
    public async Task Stdio_and_http_upstreams_are_aggregated_behind_mcp_with_prefixed_tools_progress_sampling_and_elicitation_relayed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await using var web = await HttpUpstreamProcess.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.AddAsync(new { name = "web", url = web.Url.ToString() });
        await gateway.AddStdioAsync("memory", UpstreamServers.Memory);
        await gateway.WaitUpAsync("everything");
        await gateway.WaitUpAsync("web");
        await gateway.WaitUpAsync("memory");
        ElicitRequestParams? elicitation = null;

#pragma warning disable MCP9005 // sampling is deprecated by 2026-07-28 but is what 2025-11-25 upstreams use; the relay is under test
        await using var client = await gateway.ConnectAsync(new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Content = [new TextContentBlock { Text = "sampled by the test client" }],
                Model = "test-model",
                Role = Role.Assistant,
            }),
            ElicitationHandler = (request, _) =>
            {
                elicitation = request;
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement>
                    {
                        ["name"] = JsonSerializer.SerializeToElement("Ada from the test client"),
                        ["check"] = JsonSerializer.SerializeToElement(true),
                    },
                });
            },
        });
#pragma warning restore MCP9005
        var tools = await client.ListToolsAsync(cancellationToken: ct);
        var echo = await client.CallToolAsync("everything__echo", new Dictionary<string, object?> { ["message"] = "through Portico" }, cancellationToken: ct);
        var webEcho = await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "over HTTP" }, cancellationToken: ct);
        var created = await client.CallToolAsync("memory__create_entities", new Dictionary<string, object?>
        {
            ["entities"] = new[] { new Dictionary<string, object?> { ["name"] = "Portico", ["entityType"] = "gateway", ["observations"] = Observations } },
        }, cancellationToken: ct);
        var graph = await client.CallToolAsync("memory__read_graph", cancellationToken: ct);
        // Progress is checked on the wire: the SDK client runs notification handlers concurrently
        // with the response and may drop a last step that Portico did send before the result.
        using var raw = gateway.Server.CreateClient();
        var http = new TestSupport.McpHttp(raw);
        var rawSession = await http.InitializeAsync();
        var longRunning = await http.PostAsync("""
            {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"everything__trigger-long-running-operation","arguments":{"duration":0.3,"steps":3},"_meta":{"progressToken":"p-9"}}}
            """, rawSession);
        var relayed = longRunning.Messages.TakeWhile(m => !m.ContainsKey("id"))
            .Where(m => (string?)m["method"] == "notifications/progress")
            .Select(m => ((string?)m["params"]!["progressToken"], (int)(double)m["params"]!["progress"]!)).ToList();
        var sampled = await client.CallToolAsync("everything__trigger-sampling-request",
            new Dictionary<string, object?> { ["prompt"] = "say hi", ["maxTokens"] = 10 }, cancellationToken: ct);
        var elicited = await client.CallToolAsync("web__trigger-elicitation-request", cancellationToken: ct);

        Assert.Contains(tools, t => t.Name == "everything__echo" && t.Description is { Length: > 0 });
        Assert.Contains(tools, t => t.Name == "web__echo");
        Assert.Contains(tools, t => t.Name == "web__trigger-elicitation-request");
        Assert.Contains(tools, t => t.Name == "memory__read_graph");
        Assert.Contains(tools, t => t.Name == "ping"); // native tools stay beside upstream ones
        Assert.All(tools, t => Assert.True(t.Name.Length <= 64, t.Name));
        Assert.Equal(true, tools.Single(t => t.Name == "everything__trigger-long-running-operation").ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.Equal("Echo: through Portico", Assert.IsType<TextContentBlock>(Assert.Single(echo.Content)).Text);
        Assert.Equal("Echo: over HTTP", Text(webEcho));
        Assert.NotEqual(true, created.IsError);
        Assert.Contains("fronts upstreams", Text(graph), StringComparison.Ordinal);
        Assert.NotEqual(true, (bool?)longRunning.Final["result"]!["isError"]);
        Assert.Equal(ThreeSteps, relayed.Select(r => r.Item2));
        Assert.All(relayed, r => Assert.Equal("p-9", r.Item1));
        Assert.NotEqual(true, sampled.IsError);
        Assert.Contains("sampled by the test client", Text(sampled), StringComparison.Ordinal);
        var asked = Assert.IsType<ElicitRequestParams>(elicitation);
        Assert.Equal("Please provide inputs for the following fields:", asked.Message);
        Assert.NotNull(asked.RequestedSchema);
        Assert.Contains("name", asked.RequestedSchema.Required ?? []);
        Assert.True(asked.RequestedSchema.Properties.ContainsKey("email"));
        Assert.NotEqual(true, elicited.IsError);
        Assert.Contains("- Name: Ada from the test client", Text(elicited), StringComparison.Ordinal);
        Assert.Contains("- Agreed to terms: true", Text(elicited), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_cancelling_a_proxied_call_cancels_the_upstream_request_on_the_wire()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CancellationRecordingUpstream.StartAsync();
        await gateway.AddAsync(new { name = "recorder", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("recorder");
        using var client = gateway.Server.CreateClient();
        var mcp = new TestSupport.McpHttp(client);
        var session = await mcp.InitializeAsync();

        var call = mcp.CallToolAsync(session, "recorder__wait", id: 7);
        await Eventually.AssertAsync(() => !upstream.Started.IsEmpty, "the upstream to start the call");

        var started = Assert.Single(upstream.Started);
        var cancelled = await mcp.PostAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user pressed stop"}}""", session);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancelled.Status);
        await Eventually.AssertAsync(() => !upstream.Cancelled.IsEmpty, "the upstream to be told of the cancellation");

        // The upstream was told which of its requests to stop, well before its own 30 s end.
        var (requestId, reason) = Assert.Single(upstream.Cancelled);
        Assert.Equal(started, requestId);
        Assert.False(string.IsNullOrEmpty(reason));
        var response = await call;
        Assert.DoesNotContain("\"result\"", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_arguments_are_validated_against_the_upstream_schema_before_the_call()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.WaitUpAsync("everything");
        await using var client = await gateway.ConnectAsync();

        var result = await client.CallToolAsync("everything__echo", new Dictionary<string, object?> { ["message"] = 42 }, cancellationToken: ct);

        Assert.Equal(true, result.IsError);
        Assert.Equal("VALIDATION_FAILED", result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_upstream_restarted_between_two_calls_of_one_session_is_reinitialized_and_the_second_call_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        // Checks every 10 minutes: the restart must be handled by the call itself, not noticed by a health check.
        await using var gateway = await GatewayHarness.StartAsync(interval: TimeSpan.FromMinutes(10));
        await using var upstream = await HttpUpstreamProcess.StartAsync();
        await gateway.AddAsync(new { name = "web", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("web");
        await using var client = await gateway.ConnectAsync();

        var first = await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "one" }, cancellationToken: ct);
        await upstream.KillAsync();
        await upstream.StartAsync(ct);
        var second = await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "two" }, cancellationToken: ct);

        Assert.Equal("Echo: one", Text(first));
        Assert.True(second.IsError != true, Text(second));
        Assert.Equal("Echo: two", Text(second));
    }

    [Fact]
    public async Task A_killed_upstream_goes_down_within_one_check_interval_alone_and_comes_back_by_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        // One failed check marks an upstream down here, so "down" must show within one interval of the kill
        // (plus the refused ping and the 100 ms polling of /health/vendors).
        var interval = TimeSpan.FromSeconds(2);
        await using var gateway = await GatewayHarness.StartAsync(interval, failureThreshold: 1);
        await using var upstream = await HttpUpstreamProcess.StartAsync();
        await gateway.AddAsync(new { name = "web", url = upstream.Url.ToString() });
        await gateway.AddStdioAsync("memory", UpstreamServers.Memory);
        await gateway.WaitUpAsync("web");
        await gateway.WaitUpAsync("memory");
        var listChanged = 0;
        await using var client = await gateway.ConnectAsync();
        await using var registration = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            Interlocked.Increment(ref listChanged);
            return ValueTask.CompletedTask;
        });
        Assert.Equal("Echo: before", Text(await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "before" }, cancellationToken: ct)));

        var listChangedBeforeKill = Volatile.Read(ref listChanged);
        await upstream.KillAsync();
        var killed = Stopwatch.StartNew();
        var down = await gateway.WaitForVendorAsync("web", v => (string?)v["status"] == "down", "down");
        var downAfter = killed.Elapsed;
        var later = await gateway.WaitForVendorAsync("web", v => (int)v["consecutiveFailures"]! > (int)down["consecutiveFailures"]!, "more failed");
        var toolsWhileDown = await client.ListToolsAsync(cancellationToken: ct);
        var refused = await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "during" }, cancellationToken: ct);
        var memoryWhileDown = await client.CallToolAsync("memory__read_graph", cancellationToken: ct);
        var memoryHealth = (await gateway.VendorsAsync()).Single(v => (string?)v!["name"] == "memory")!;

        Assert.True(downAfter < interval + TimeSpan.FromSeconds(1.5), $"down after {downAfter.TotalMilliseconds:0} ms, interval {interval.TotalMilliseconds:0} ms");
        Assert.True((int)down["consecutiveFailures"]! >= 1);
        Assert.NotNull(down["lastCheckedAt"]);
        Assert.NotNull(down["lastSuccessAt"]);
        Assert.False(string.IsNullOrEmpty((string?)down["lastError"]));
        Assert.True((int)later["consecutiveFailures"]! > (int)down["consecutiveFailures"]!);
        Assert.DoesNotContain(toolsWhileDown, t => t.Name.StartsWith("web__", StringComparison.Ordinal));
        Assert.Contains(toolsWhileDown, t => t.Name == "memory__read_graph");
        Assert.Equal(true, refused.IsError);
        Assert.Equal("UPSTREAM_UNAVAILABLE", refused.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.NotEqual(true, memoryWhileDown.IsError);
        Assert.Equal("up", (string?)memoryHealth["status"]);
        Assert.True(Volatile.Read(ref listChanged) > listChangedBeforeKill, "no notifications/tools/list_changed when the upstream's tools left");

        var listChangedWhileDown = Volatile.Read(ref listChanged);
        await upstream.StartAsync(ct);
        await gateway.WaitUpAsync("web");
        var toolsAfter = await client.ListToolsAsync(cancellationToken: ct);
        var after = await client.CallToolAsync("web__echo", new Dictionary<string, object?> { ["message"] = "after" }, cancellationToken: ct);

        Assert.Contains(toolsAfter, t => t.Name == "web__echo");
        Assert.Equal("Echo: after", Text(after));
        Assert.True(Volatile.Read(ref listChanged) > listChangedWhileDown, "no notifications/tools/list_changed when the upstream's tools came back");
    }

    private static string Text(CallToolResult result)
        => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
