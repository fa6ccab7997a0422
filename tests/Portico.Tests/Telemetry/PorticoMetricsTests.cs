using System.Diagnostics;
using System.Text.Json.Nodes;
using Portico.Telemetry;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Telemetry;

/// <summary>
/// Each instrument of the "Portico" meter after real calls on a real server, read in process. A test reads only the
/// measurements recorded while serving its own trace (or tagged with its own upstream), so parallel tests do not mix.
/// </summary>
public sealed class PorticoMetricsTests
{
    private const string Duration = "mcp.server.operation.duration";
    private const string ToolErrors = "portico.tool.errors";

    [Fact]
    public async Task Every_tools_call_is_timed_by_method_tool_and_outcome_and_errors_are_counted_by_code()
    {
        using var metrics = new MetricRecorder();
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var ok = await CallInTraceAsync(mcp, session, "ping", new JsonObject { ["message"] = "hi" });
        var okCall = Assert.Single(metrics.Of(Duration, ok));
        Assert.Equal("tools/call", okCall.Tag(McpSpans.MethodName));
        Assert.Equal("ping", okCall.Tag(McpSpans.ToolName));
        Assert.Null(okCall.Tag(McpSpans.ErrorType));
        Assert.True(okCall.Value >= 0);
        Assert.Empty(metrics.Of(ToolErrors, ok));

        var invalid = await CallInTraceAsync(mcp, session, "ping", new JsonObject { ["message"] = 42 });
        var invalidCall = Assert.Single(metrics.Of(Duration, invalid));
        Assert.Equal(("ping", McpSpans.ToolError), (invalidCall.Tag(McpSpans.ToolName), invalidCall.Tag(McpSpans.ErrorType)));
        var invalidError = Assert.Single(metrics.Of(ToolErrors, invalid));
        Assert.Equal((1d, "VALIDATION_FAILED", "ping"), (invalidError.Value, invalidError.Tag(McpSpans.ToolErrorCode), invalidError.Tag(McpSpans.ToolName)));

        // The client's text is never a tag value: an unknown tool is counted without a tool name.
        var unknown = await CallInTraceAsync(mcp, session, "no_such_tool_" + Guid.NewGuid().ToString("N"));
        var unknownCall = Assert.Single(metrics.Of(Duration, unknown));
        Assert.Equal("-32602", unknownCall.Tag(McpSpans.ErrorType));
        Assert.False(unknownCall.Tags.ContainsKey(McpSpans.ToolName));
        var unknownError = Assert.Single(metrics.Of(ToolErrors, unknown));
        Assert.Equal("UNKNOWN_TOOL", unknownError.Tag(McpSpans.ToolErrorCode));
        Assert.False(unknownError.Tags.ContainsKey(McpSpans.ToolName));

        var invented = await SendInTraceAsync(mcp, session, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 9, ["method"] = "made/up-" + Guid.NewGuid().ToString("N") });
        var inventedCall = Assert.Single(metrics.Of(Duration, invented));
        Assert.Equal((PorticoMetrics.Other, "-32601"), (inventedCall.Tag(McpSpans.MethodName), inventedCall.Tag(McpSpans.ErrorType)));

        // An error the SDK answers inside a 200 (here a protocol error of a resource handler) is an error too.
        var missing = await SendInTraceAsync(mcp, session, new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 10,
            ["method"] = "resources/read",
            ["params"] = new JsonObject { ["uri"] = "portico://no-such-resource" },
        });
        var missingCall = Assert.Single(metrics.Of(Duration, missing));
        Assert.Equal("resources/read", missingCall.Tag(McpSpans.MethodName));
        Assert.NotNull(missingCall.Tag(McpSpans.ErrorType));
    }

    [Fact]
    public async Task A_rate_limited_write_is_a_refusal_and_a_RATE_LIMITED_error()
    {
        using var metrics = new MetricRecorder();
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:RateLimits:WriteCallsPerMinute"] = "1" },
            services: s => s.AddGatedTestPack());
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var first = await CallInTraceAsync(mcp, session, "write-note");
        Assert.Empty(metrics.Of("portico.rate_limit.refusals", first));
        var limited = await CallInTraceAsync(mcp, session, "write-note");
        var refusal = Assert.Single(metrics.Of("portico.rate_limit.refusals", limited));
        Assert.Equal(("tool", "write-note"), (refusal.Tag(PorticoMetrics.RateLimitKind), refusal.Tag(McpSpans.ToolName)));
        Assert.Equal("RATE_LIMITED", Assert.Single(metrics.Of(ToolErrors, limited)).Tag(McpSpans.ToolErrorCode));
    }

    [Fact]
    public async Task An_initialize_opens_a_session_and_a_call_queues_an_audit_record_that_is_then_committed()
    {
        using var metrics = new MetricRecorder();
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);

        var initialize = await SendInTraceAsync(mcp, null, new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "initialize",
            ["params"] = new JsonObject
            {
                ["protocolVersion"] = McpHttp.LatestSessionVersion,
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "metrics", ["version"] = "1" },
            },
        });
        Assert.Equal(1d, Assert.Single(metrics.Of("portico.mcp.sessions.active", initialize)).Value);

        var session = await mcp.InitializeAsync();
        var call = await CallInTraceAsync(mcp, session, "ping");
        Assert.Equal(1d, Assert.Single(metrics.Of("portico.audit.queue.depth", call)).Value);
        // Durable audit: the call was answered after its record committed, so the writer has taken it off the queue.
        Assert.Contains(metrics.All("portico.audit.queue.depth"), m => m.Value < 0);
    }

    [Fact]
    public async Task An_unreachable_upstream_is_unhealthy_with_its_failures_counted_and_its_checks_timed()
    {
        using var metrics = new MetricRecorder();
        await using var gateway = await GatewayHarness.StartAsync(failureThreshold: 2);
        var name = "gone" + Guid.NewGuid().ToString("N")[..8];
        await gateway.AddAsync(new { name, url = $"http://127.0.0.1:{LoopbackPort.Free()}/mcp" });

        var failures = await Eventually.ReturnsAsync(
            () => Task.FromResult(metrics.All("portico.upstream.consecutive_failures").Where(m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name).ToList()),
            found => found.Any(m => m.Value >= 2), "two failed checks of the unreachable upstream");
        Assert.Equal([1d, 2d], failures.Select(m => m.Value).Take(2));
        var healthy = metrics.All("portico.upstream.healthy").Where(m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name).Select(m => m.Value).ToList();
        Assert.Equal(0d, healthy[failures.FindIndex(m => m.Value >= 2)]);
        Assert.Contains(metrics.All("portico.upstream.check.duration"), m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name && (string?)m.Tag("portico.outcome") == "error");
    }

    [Fact]
    public async Task A_reachable_upstream_is_healthy_and_its_check_is_timed()
    {
        using var metrics = new MetricRecorder();
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        var name = "echo" + Guid.NewGuid().ToString("N")[..8];
        await gateway.AddAsync(new { name, url = upstream.Url.ToString() });
        await gateway.WaitUpAsync(name);

        var healthy = await Eventually.ReturnsAsync(
            () => Task.FromResult(metrics.All("portico.upstream.healthy").Where(m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name).ToList()),
            found => found.Count > 0, "a health measurement of the upstream");
        Assert.Equal(1d, healthy[^1].Value);
        Assert.Contains(metrics.All("portico.upstream.consecutive_failures"), m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name && m.Value == 0);
        Assert.Contains(metrics.All("portico.upstream.check.duration"), m => (string?)m.Tag(PorticoMetrics.UpstreamName) == name && (string?)m.Tag("portico.outcome") == "ok" && m.Value > 0);
    }

    [Fact]
    public async Task The_change_log_reader_reports_how_long_a_change_of_another_instance_waited()
    {
        using var metrics = new MetricRecorder();
        await using var pair = await TwoInstances.StartAsync();
        var before = metrics.All("portico.store.changes.lag").Count;

        // A member added on A is a store change B's reader picks up; B's clock is 30 s ahead of the change's time.
        pair.B.Clock.Advance(TimeSpan.FromSeconds(30));
        await pair.A.AdminAsync(admin => admin.AddMemberAsync(pair.A.TenantId, "lag@portico.test", "member", CancellationToken.None));

        await Eventually.ReturnsAsync(() => Task.FromResult(metrics.All("portico.store.changes.lag").Skip(before).ToList()),
            found => found.Any(m => m.Value >= 30), "a lag of at least the 30 s B's clock is ahead");
        Assert.DoesNotContain(metrics.All("portico.store.changes.lag"), m => m.Value < 0);
    }

    [Theory]
    [InlineData("VALIDATION_FAILED", "VALIDATION_FAILED")]
    [InlineData("not a code", PorticoMetrics.Other)]
    [InlineData("lower_case", PorticoMetrics.Other)]
    [InlineData("", PorticoMetrics.Other)]
    public void Error_codes_are_bounded_tag_values(string code, string tag) => Assert.Equal(tag, PorticoMetrics.ErrorCodeTag(code));

    private static Task<ActivityTraceId> CallInTraceAsync(McpHttp mcp, string session, string tool, JsonObject? arguments = null)
        => SendInTraceAsync(mcp, session, new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() },
        });

    /// <summary>Sends one message in a trace of its own (a sampled client span is current, so the request carries its traceparent).</summary>
    private static async Task<ActivityTraceId> SendInTraceAsync(McpHttp mcp, string? session, JsonObject message)
    {
        using var root = new Activity("test-client").SetIdFormat(ActivityIdFormat.W3C).Start();
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        await mcp.PostAsync(message.ToJsonString(), session, protocolVersion: session is null ? null : McpHttp.LatestSessionVersion,
            cancellationToken: TestContext.Current.CancellationToken);
        return root.TraceId;
    }
}
