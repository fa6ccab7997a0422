using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>Two instances on one store, as behind a load balancer without sticky sessions.</summary>
public sealed class MultiInstanceTests
{
    [Fact]
    public async Task Any_instance_serves_a_session_and_changes_made_on_one_reach_the_other()
    {
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddGatedTestPack());
        var (a, viaA, viaB) = (pair.A, pair.ViaA, pair.ViaB);
        var other = await a.AdminAsync(x => x.CreateTenantAsync("Other", "basic", CancellationToken.None));
        await a.AdminAsync(x => x.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "member", CancellationToken.None));
        var session = await viaA.InitializeAsync();
        await viaA.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = a.TenantId });

        // B restores the session from the store on first sight, active group included.
        Assert.Equal(a.TenantId, Text(await viaB.CallToolAsync(session, "team-note", id: 3)));

        // A switches the group: B's live copy follows within the change listener's period.
        await viaA.CallToolAsync(session, "set-active-group", new JsonObject { ["groupId"] = other.Id }, id: 4);
        await Eventually.AssertAsync(async () => Text(await viaB.CallToolAsync(session, "team-note", id: 5)) == other.Id, "the other instance caught up");

        // A ends the session: B refuses it too.
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("Mcp-Session-Id", session);
        using var deleted = await pair.ClientA.SendAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Eventually.AssertAsync(async () => (await viaB.CallToolAsync(session, "ping", id: 6)).Status == HttpStatusCode.NotFound, "the other instance caught up");
    }

    [Fact]
    public async Task A_write_limit_is_global_across_instances()
    {
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddGatedTestPack());
        var (viaA, viaB) = (pair.ViaA, pair.ViaB);
        var session = await viaA.InitializeAsync();

        for (var i = 0; i < 30; i++)
        {
            var via = i % 2 == 0 ? viaA : viaB;
            Assert.NotEqual(true, (bool?)(await via.CallToolAsync(session, "write-note", id: 10 + i)).Final["result"]!["isError"]);
        }

        var refused = (await viaB.CallToolAsync(session, "write-note", id: 99)).Final["result"]!;
        Assert.Equal("RATE_LIMITED", (string?)refused["structuredContent"]!["error"]!["code"]);
    }

    [Fact]
    public async Task A_key_revoked_on_one_instance_is_refused_by_the_other_within_a_second()
    {
        await using var pair = await TwoInstances.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var key = await a.AdminAsync(x => x.CreateKeyAsync(PorticoTestServer.UserEmail, "doomed", null, Portico.Access.Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var clientB = b.CreateClient(key.Plaintext);
        var viaB = new McpHttp(clientB);
        Assert.Equal(HttpStatusCode.OK, (await viaB.PostAsync(McpHttp.Initialize())).Status);

        await a.AdminAsync(x => x.RevokeKeyAsync(key.Record.Id, CancellationToken.None));
        var clock = Stopwatch.StartNew();
        await Eventually.AssertAsync(async () => (await viaB.PostAsync(McpHttp.Initialize())).Status == HttpStatusCode.Unauthorized,
            "instance B to refuse the key revoked on instance A");

        // Reported, not asserted tightly: shared CI machines stall; the listener polls every 250 ms.
        TestContext.Current.SendDiagnosticMessage($"revocation reached the other instance after {clock.ElapsedMilliseconds} ms");
    }

    private static string? Text(McpHttpResponse response) => (string?)response.Final["result"]!["content"]![0]!["text"];

}
