using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using ModelContextProtocol.Protocol;

namespace Portico.Telemetry;

/// <summary>
/// Portico's instruments on <see cref="PorticoTelemetry.Meter"/>: the OpenTelemetry conventions' names where they define
/// one (<c>mcp.server.operation.duration</c>), <c>portico.*</c> otherwise. Every tag value comes from a bounded set — the
/// SDK's method names, catalog tool names, Portico's error codes, configured upstream names — never from raw client input.
/// </summary>
internal static class PorticoMetrics
{
    public const string UpstreamName = "portico.upstream.name";
    public const string RateLimitKind = "portico.rate_limit.kind";
    public const string Other = "_OTHER";

    /// <summary>Distinct error codes a tag may carry: an upstream's tool could invent new ones forever; beyond this they count as <see cref="Other"/>.</summary>
    private const int MaxErrorCodes = 200;

    private static readonly Histogram<double> OperationDuration = PorticoTelemetry.Meter.CreateHistogram<double>("mcp.server.operation.duration", "s",
        "MCP request or notification duration as observed on the receiver from the time it was received until the result or ack is sent.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300] });

    private static readonly Counter<long> ToolErrors = PorticoTelemetry.Meter.CreateCounter<long>("portico.tool.errors", "{call}",
        "Tool calls that ended in an error, by Portico's error code (UNKNOWN_TOOL, VALIDATION_FAILED, RATE_LIMITED, …).");

    private static readonly Counter<long> RateLimitRefusals = PorticoTelemetry.Meter.CreateCounter<long>("portico.rate_limit.refusals", "{request}",
        "Requests refused by a rate limit: kind 'credential' (HTTP requests per credential) or 'tool' (write calls per user and tool).");

    private static readonly UpDownCounter<long> ActiveSessions = PorticoTelemetry.Meter.CreateUpDownCounter<long>("portico.mcp.sessions.active", "{session}",
        "MCP sessions live on this instance.");

    private static readonly Gauge<int> UpstreamHealthy = PorticoTelemetry.Meter.CreateGauge<int>("portico.upstream.healthy", null,
        "1 when the upstream's last health check leaves it serving (up or degraded), 0 when it is down.");

    private static readonly Gauge<int> UpstreamFailures = PorticoTelemetry.Meter.CreateGauge<int>("portico.upstream.consecutive_failures", "{check}",
        "Health checks the upstream failed in a row.");

    private static readonly Histogram<double> UpstreamCheckDuration = PorticoTelemetry.Meter.CreateHistogram<double>("portico.upstream.check.duration", "s",
        "How long an upstream took to answer its health check (ping, server/discover or the tool listing).");

    private static readonly UpDownCounter<long> AuditQueueDepth = PorticoTelemetry.Meter.CreateUpDownCounter<long>("portico.audit.queue.depth", "{record}",
        "Audit records queued and not yet committed to the store.");

    private static readonly Gauge<double> ChangeLogLag = PorticoTelemetry.Meter.CreateGauge<double>("portico.store.changes.lag", "s",
        "How long the oldest store change this instance read in its last poll had waited in the change log (0 when there was none).");

    private static readonly FrozenNames Methods = new(typeof(RequestMethods), typeof(NotificationMethods));
    private static readonly ConcurrentDictionary<string, bool> ErrorCodes = new(StringComparer.Ordinal);

    /// <summary>The method as a tag value: one the SDK names, otherwise <see cref="Other"/>.</summary>
    public static string MethodTag(string method) => Methods.Contains(method) ? method : Other;

    /// <summary>One MCP message received on the endpoint; the tool name (a catalog name) and error type come from <see cref="McpOperation"/>.</summary>
    public static void RecordOperation(string method, string? toolName, string? errorType, TimeSpan elapsed)
    {
        var tags = new TagList { { McpSpans.MethodName, MethodTag(method) } };
        if (toolName is not null)
        {
            tags.Add(McpSpans.ToolName, toolName);
        }

        if (errorType is not null)
        {
            tags.Add(McpSpans.ErrorType, errorType);
        }

        OperationDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>A tool call that ended with <paramref name="code"/>; <paramref name="toolName"/> only when the catalog has the tool.</summary>
    public static void RecordToolError(string? toolName, string code)
    {
        var tags = new TagList { { McpSpans.ToolErrorCode, ErrorCodeTag(code) } };
        if (toolName is not null)
        {
            tags.Add(McpSpans.ToolName, toolName);
        }

        ToolErrors.Add(1, tags);
    }

    public static void RecordToolRateLimited(string toolName)
        => RateLimitRefusals.Add(1, new KeyValuePair<string, object?>(RateLimitKind, "tool"), new KeyValuePair<string, object?>(McpSpans.ToolName, toolName));

    public static void RecordCredentialRateLimited()
        => RateLimitRefusals.Add(1, new KeyValuePair<string, object?>(RateLimitKind, "credential"));

    public static void SessionOpened() => ActiveSessions.Add(1);

    public static void SessionClosed() => ActiveSessions.Add(-1);

    public static void RecordUpstreamHealth(string upstream, bool healthy, int consecutiveFailures)
    {
        var tag = new KeyValuePair<string, object?>(UpstreamName, upstream);
        UpstreamHealthy.Record(healthy ? 1 : 0, tag);
        UpstreamFailures.Record(consecutiveFailures, tag);
    }

    public static void RecordUpstreamCheck(string upstream, bool ok, TimeSpan elapsed)
        => UpstreamCheckDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(UpstreamName, upstream),
            new KeyValuePair<string, object?>("portico.outcome", ok ? "ok" : "error"));

    public static void AuditQueued(int records) => AuditQueueDepth.Add(records);

    public static void AuditCommitted(int records) => AuditQueueDepth.Add(-records);

    public static void RecordChangeLogLag(TimeSpan lag) => ChangeLogLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>Portico's codes are UPPER_SNAKE words; anything else, or a code past the first <see cref="MaxErrorCodes"/> seen, is <see cref="Other"/>.</summary>
    internal static string ErrorCodeTag(string code)
    {
        if (code.Length is 0 or > 48 || !code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
        {
            return Other;
        }

        return ErrorCodes.ContainsKey(code) || (ErrorCodes.Count < MaxErrorCodes && ErrorCodes.TryAdd(code, true)) ? code : Other;
    }

    /// <summary>The string constants of the SDK's method classes.</summary>
    private sealed class FrozenNames(params Type[] types)
    {
        private readonly HashSet<string> _names = [.. types.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

        public bool Contains(string name) => _names.Contains(name);
    }
}
