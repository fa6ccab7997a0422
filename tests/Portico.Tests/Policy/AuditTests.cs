using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

public sealed class AuditTests
{
    [Fact]
    public async Task Each_call_leaves_one_record_with_its_outcome()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var ok = await mcp.CallToolAsync(session, "ping", new JsonObject { ["message"] = "hi" });
        var refused = await mcp.CallToolAsync(session, "premium-report", id: 3);
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);

        var records = await ReadAsync(server);
        Assert.Equal(2, records.Count);
        var first = records.Single(r => r.RequestId == ok.RequestId);
        Assert.Equal(("ping", "ok", session, server.TenantId), (first.Tool, first.Outcome, first.SessionId, first.TenantId));
        Assert.Equal("""{"message":"hi"}""", first.Arguments);
        var second = records.Single(r => r.RequestId == refused.RequestId);
        Assert.Equal(("error", "TIER_REQUIRED"), (second.Outcome, second.ErrorCode));
    }

    [Fact]
    public void Secret_fields_are_redacted()
    {
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"pin":{"type":"string","writeOnly":true}}}""").RootElement;
        var arguments = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(
            """{"pin":"1234","user":"ann","password":"p","nested":{"apiKey":"k","keep":1}}""")!;

        var redacted = AuditRedactor.Redact(arguments, schema);

        Assert.Equal("""{"pin":"[redacted]","user":"ann","password":"[redacted]","nested":{"apiKey":"[redacted]","keep":1}}""", redacted);
    }

    [Fact]
    public async Task Graceful_shutdown_in_the_middle_of_a_burst_loses_no_record()
    {
        var server = await PorticoTestServer.StartAsync();
        await using var _ = server;
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var burst = Enumerable.Range(0, 60).Select(async i =>
        {
            try
            {
                return await mcp.CallToolAsync(session, "ping", id: 1000 + i);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }).ToList();
        // Restart once the burst is being answered, with the rest of it still in flight.
        await Eventually.AssertAsync(() => burst.Any(call => call.IsCompletedSuccessfully && call.Result is { Status: HttpStatusCode.OK }), "a first call of the burst to be answered");
        await server.RestartAsync();
        var answered = (await Task.WhenAll(burst)).Where(r => r is { Status: HttpStatusCode.OK }).Select(r => r!.RequestId).ToList();

        var recorded = (await ReadAsync(server)).Select(r => r.RequestId).ToHashSet();
        Assert.NotEmpty(answered);
        Assert.All(answered, id => Assert.Contains(id!, recorded));
    }

    private static async Task<List<AuditRecord>> ReadAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }
}
