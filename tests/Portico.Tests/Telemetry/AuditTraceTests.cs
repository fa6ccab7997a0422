using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Telemetry;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Telemetry;

/// <summary>
/// One trace id joins what an operator reads about a call: its audit record, its spans (with a span per store query)
/// and its log lines.
/// </summary>
public sealed class AuditTraceTests
{
    [Fact]
    public async Task A_calls_audit_record_carries_the_trace_id_of_its_span_and_its_log_lines()
    {
        var spans = new SpanRecorder();
        var capture = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(
            configuration: new Dictionary<string, string?> { ["Logging:LogLevel:ModelContextProtocol"] = "Information" },
            services: s =>
            {
                s.AddSingleton<ILoggerProvider>(capture);
                s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            });
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var (trace, response) = await CallInTraceAsync(mcp, session, "list-records");
        Assert.Null(response.Final["error"]);
        Assert.NotEqual(true, (bool?)response.Final["result"]?["isError"]);

        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        AuditRecord record;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            record = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking()
                .SingleAsync(a => a.RequestId == response.RequestId, TestContext.Current.CancellationToken);
        }

        Assert.Equal(trace.ToHexString(), record.TraceId);
        var span = await Eventually.ReturnsAsync(() => Task.FromResult(spans.Trace(trace).FirstOrDefault(s => s.Source.Name == PorticoTelemetry.Name && s.Kind == ActivityKind.Server)),
            s => s is not null, "the call's MCP span");
        Assert.Equal("list-records", span!.GetTagItem(McpSpans.ToolName));
        Assert.Equal(record.TraceId, span.TraceId.ToHexString());
        var lines = capture.Lines.Where(l => l.Contains($"RequestId:{record.RequestId}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains($"TraceId:{record.TraceId}", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_calls_store_queries_are_client_spans_under_its_span_without_statement_text()
    {
        var spans = new SpanRecorder();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();

        var (trace, response) = await CallInTraceAsync(mcp, session, "create-record",
            new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["title"] = "secret-body-value" } });
        Assert.NotEqual(true, (bool?)response.Final["result"]?["isError"]);

        var call = await Eventually.ReturnsAsync(() => Task.FromResult(spans.Trace(trace).FirstOrDefault(s => s.Source.Name == PorticoTelemetry.Name && s.Kind == ActivityKind.Server)),
            s => s is not null, "the call's MCP span");
        var queries = await Eventually.ReturnsAsync(() => Task.FromResult(spans.Trace(trace).Where(s => s.GetTagItem(StoreSpans.SystemName) is not null).ToList()),
            q => q.Any(s => IsDescendant(s, call!, spans.Trace(trace))), "store-query spans under the call's span");
        var system = TestStores.IsPostgres(server.Settings.Store) ? "postgresql" : "sqlite";
        Assert.All(queries, q =>
        {
            Assert.Equal(ActivityKind.Client, q.Kind);
            Assert.Equal(system, q.GetTagItem(StoreSpans.SystemName));
            Assert.Matches("^[A-Z]+$", (string)q.GetTagItem(StoreSpans.OperationName)!);
            Assert.DoesNotContain(q.TagObjects, t => t.Value is string text && text.Contains("secret-body-value", StringComparison.Ordinal));
            Assert.DoesNotContain(q.TagObjects, t => t.Key == "db.query.text");
        });
        Assert.Contains(queries, q => (string?)q.GetTagItem(StoreSpans.OperationName) == "INSERT" && q.DisplayName.StartsWith("INSERT ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT \"t\".\"id\" FROM \"tasks\" AS \"t\" WHERE \"t\".\"x\" = @p LIMIT @q", "SELECT", "tasks")]
    [InlineData("-- portico:background\n\nSELECT 1 FROM \"store_leases\"", "SELECT", "store_leases")]
    [InlineData("INSERT INTO \"records\" (\"id\") VALUES (@p0);", "INSERT", "records")]
    [InlineData("UPDATE \"tasks\" SET \"a\" = @p WHERE \"id\" = 'x'", "UPDATE", "tasks")]
    [InlineData("DELETE FROM audit_records WHERE at < @cutoff", "DELETE", "audit_records")]
    [InlineData("   ", "SQL", null)]
    public void A_statement_is_described_by_its_operation_and_first_table(string sql, string operation, string? collection)
        => Assert.Equal((operation, collection), StoreSpans.Describe(sql));

    private static async Task<(ActivityTraceId Trace, McpHttpResponse Response)> CallInTraceAsync(McpHttp mcp, string session, string tool, JsonObject? arguments = null)
    {
        using var root = new Activity("test-client").SetIdFormat(ActivityIdFormat.W3C).Start();
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var response = await mcp.CallToolAsync(session, tool, arguments, id: 7);
        return (root.TraceId, response);
    }

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
