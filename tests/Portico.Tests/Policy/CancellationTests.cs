using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

public sealed class CancellationTests
{
    [Fact]
    public async Task Notifications_cancelled_stops_a_running_tool_and_the_audit_says_CANCELLED()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        await CancelSlowCallAsync(running: mcp, cancelling: mcp, session, GatedTestPack.Of(server.Services));

        await AssertOneCancelledAuditAsync(server);
        Assert.Contains("\"result\"", (await mcp.CallToolAsync(session, "ping", id: 8)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_sent_to_another_instance_reaches_the_instance_running_the_call()
    {
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddGatedTestPack());
        var session = await pair.ViaA.InitializeAsync();

        // No sticky sessions: the call runs on A, the client's notifications/cancelled lands on B.
        await CancelSlowCallAsync(running: pair.ViaA, cancelling: pair.ViaB, session, GatedTestPack.Of(pair.A.Services));

        await AssertOneCancelledAuditAsync(pair.A);
        Assert.Contains("\"result\"", (await pair.ViaB.CallToolAsync(session, "ping", id: 8)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_for_an_unknown_or_finished_request_is_accepted_and_ignored()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        Assert.Contains("\"result\"", (await mcp.CallToolAsync(session, "ping", id: 3)).Body, StringComparison.Ordinal);

        foreach (var parameters in new[] { """{"requestId":3}""", """{"requestId":"never-sent"}""", """{"requestId":{"odd":true}}""", """{}""" })
        {
            var response = await mcp.PostAsync($$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{{parameters}}}""", session);
            Assert.Equal(HttpStatusCode.Accepted, response.Status);
        }

        Assert.Contains("\"result\"", (await mcp.CallToolAsync(session, "ping", id: 4)).Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// The C# SDK client on the stateless revision cancels by closing the request, which stops the tool.
    /// (Pinned to a session revision, SDK 2.3.1 only aborts its POST and never sends notifications/cancelled:
    /// it registers the notification after the POST's response has been read. A dropped connection is not a
    /// cancellation in MCP — the client may resume the stream — so there the tool runs on to its timeout.)
    /// </summary>
    [Fact]
    public async Task The_CSharp_sdk_client_cancelling_a_stateless_call_stops_the_tool()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        await using var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {server.ApiKey}" },
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions(), cancellationToken: ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallToolAsync("slow", cancellationToken: stop.Token).AsTask());

        await AssertOneCancelledAuditAsync(server);
        var ping = await client.CallToolAsync("ping", new Dictionary<string, object?> { ["message"] = "still here" }, cancellationToken: ct);
        Assert.NotEqual(true, ping.IsError);
    }

    /// <summary>
    /// Starts the <c>slow</c> tool (runs until cancelled) as request 7 and cancels it. The handler may not be
    /// running yet when the first notification arrives (an unknown id is ignored, as MCP says), so the
    /// client repeats it until the call's POST ends.
    /// </summary>
    private static async Task CancelSlowCallAsync(McpHttp running, McpHttp cancelling, string session, GatedTestPack pack)
    {
        var call = running.CallToolAsync(session, "slow", id: 7);
        // Cancel a call that runs: a cancellation sent before the request reached the server ends its POST, and
        // nothing ran to be audited.
        await Eventually.AssertAsync(() => pack.SlowRunning > 0 || call.IsCompleted, "the slow call to start");
        // Sent again until the POST ends: the first may land between the SDK's reading of the request and its
        // registering it.
        await Eventually.AssertAsync(async () =>
        {
            var cancelled = await cancelling.PostAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user pressed stop"}}""", session);
            Assert.Equal(HttpStatusCode.Accepted, cancelled.Status);
            await Task.WhenAny(call, Task.Delay(200, TestContext.Current.CancellationToken));
            return call.IsCompleted;
        }, "the POST carrying the cancelled call to end");

        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.Status);
        // A cancelled request gets no JSON-RPC response: its stream just ends.
        Assert.DoesNotContain("\"result\"", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"error\"", response.Body, StringComparison.Ordinal);
    }

    private static async Task<int> CountCancelledAsync(PorticoTestServer server)
    {
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().CountAsync(a => a.Tool == "slow" && a.ErrorCode == "CANCELLED");
    }

    /// <summary>The tool stops after its POST ends (the SDK cancels the handler asynchronously), so this waits for the record.</summary>
    private static async Task AssertOneCancelledAuditAsync(PorticoTestServer server)
    {
        await Eventually.AssertAsync(async () => await CountCancelledAsync(server) > 0, "the cancelled call's audit record");

        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = server.Services.CreateAsyncScope();
        var records = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Tool == "slow").ToListAsync(TestContext.Current.CancellationToken);
        var record = Assert.Single(records);
        Assert.Equal("error", record.Outcome);
        Assert.Equal("CANCELLED", record.ErrorCode);
    }
}
