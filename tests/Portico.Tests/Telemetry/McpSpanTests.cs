using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenTelemetry.Trace;
using Portico.Telemetry;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Telemetry;

/// <summary>The spans of MCP messages, read from the in-memory exporter: one trace from the client through Portico to an HTTP upstream.</summary>
public sealed class McpSpanTests
{
    [Fact]
    public async Task A_gateway_call_is_one_trace_from_the_client_to_the_upstream_which_receives_traceparent()
    {
        var spans = new SpanRecorder();
        await using var gateway = await GatewayHarness.StartAsync(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("echo");
        using var http = gateway.Server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var (trace, response) = await CallInTraceAsync(mcp, session, "echo__whoami");
        Assert.Null(response.Final["error"]);

        var server = await SpanAsync(() => PorticoSpans(spans, trace).FirstOrDefault(s => s.Kind == ActivityKind.Server), "the server span of the call");
        Assert.Equal("tools/call echo__whoami", server.DisplayName);
        Assert.Equal("tools/call", server.GetTagItem(McpSpans.MethodName));
        Assert.Equal("echo__whoami", server.GetTagItem(McpSpans.ToolName));
        Assert.Equal("execute_tool", server.GetTagItem(McpSpans.OperationName));
        Assert.Equal(session, server.GetTagItem(McpSpans.SessionId));
        Assert.Equal("7", server.GetTagItem(McpSpans.RequestId));
        Assert.Null(server.GetTagItem(McpSpans.ErrorType));
        Assert.Equal(
            ["portico.policy.scope", "portico.policy.tenant", "portico.policy.tier", "portico.policy.availability", "portico.policy.integration",
                "portico.policy.schema", "portico.policy.confirmation", "portico.policy.approval", "portico.policy.rate_limit", "portico.policy.invoke", "portico.policy.audit"],
            server.Events.Select(e => e.Name));

        var upstreamCall = await SpanAsync(() => PorticoSpans(spans, trace).FirstOrDefault(s => s.Kind == ActivityKind.Client), "the client span of the upstream call");
        Assert.Equal("tools/call whoami", upstreamCall.DisplayName);
        Assert.True(IsDescendant(upstreamCall, server, spans.Trace(trace)), "the upstream call's span is a descendant of the message's span");

        // What the upstream received: the same trace, its parent a span of Portico's upstream call (the outgoing HTTP request's).
        var traceParent = upstream.TraceParents.Select(t => t.Split('-')).Single(parts => parts[1] == trace.ToHexString());
        var parent = await SpanAsync(() => spans.Trace(trace).FirstOrDefault(s => s.SpanId.ToHexString() == traceParent[2]), "the span the upstream's traceparent names");
        Assert.True(parent == upstreamCall || IsDescendant(parent, upstreamCall, spans.Trace(trace)), "the upstream's parent span belongs to Portico's upstream call");
    }

    [Fact]
    public async Task A_refused_call_says_why_on_its_span()
    {
        var spans = new SpanRecorder();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var (unknown, refused) = await CallInTraceAsync(mcp, session, "no_such_tool");
        Assert.NotNull(refused.Final["error"]);
        var unknownSpan = await SpanAsync(() => PorticoSpans(spans, unknown).FirstOrDefault(), "the unknown tool's span ");
        Assert.Equal("-32602", unknownSpan.GetTagItem(McpSpans.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, unknownSpan.Status);

        var (invalid, failed) = await CallInTraceAsync(mcp, session, "ping", new JsonObject { ["message"] = 42 });
        Assert.True((bool?)failed.Final["result"]?["isError"]);
        var invalidSpan = await SpanAsync(() => PorticoSpans(spans, invalid).FirstOrDefault(), "the invalid call's span");
        Assert.Equal(McpSpans.ToolError, invalidSpan.GetTagItem(McpSpans.ErrorType));
        Assert.Equal("VALIDATION_FAILED", invalidSpan.GetTagItem(McpSpans.ToolErrorCode));
        Assert.DoesNotContain(invalidSpan.Events, e => e.Name == "portico.policy.invoke");
    }

    /// <summary>
    /// A tools/call sent in a trace of its own, as an instrumented client sends it: the test's span is current while the
    /// request is sent, so the HTTP client writes its traceparent. Returns the trace id.
    /// </summary>
    private static async Task<(ActivityTraceId Trace, McpHttpResponse Response)> CallInTraceAsync(McpHttp mcp, string session, string tool, JsonObject? arguments = null)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() },
        };
        using var root = new Activity("test-client").SetIdFormat(ActivityIdFormat.W3C).Start();
        // Sampled, as a traced client's span is: a parent that is not recorded makes the server drop the whole trace.
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var response = await mcp.PostAsync(request.ToJsonString(), session, protocolVersion: McpHttp.LatestSessionVersion, cancellationToken: TestContext.Current.CancellationToken);
        return (root.TraceId, response);
    }

    /// <summary>Portico's MCP message spans of the trace (not its store-query spans).</summary>
    private static IEnumerable<Activity> PorticoSpans(SpanRecorder spans, ActivityTraceId trace)
        => spans.Trace(trace).Where(s => s.Source.Name == PorticoTelemetry.Name && s.GetTagItem(McpSpans.MethodName) is not null);

    private static async Task<Activity> SpanAsync(Func<Activity?> find, string what)
        => (await Eventually.ReturnsAsync(() => Task.FromResult(find()), s => s is not null, what))!;

    private static bool IsDescendant(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var bySpanId = trace.ToDictionary(s => s.SpanId);
        for (var current = span; bySpanId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent == ancestor)
            {
                return true;
            }
        }

        return false;
    }
}
