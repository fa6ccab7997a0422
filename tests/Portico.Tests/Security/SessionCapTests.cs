using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Mcp;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>One credential cannot claim unbounded memory and rows by initializing sessions it never uses.</summary>
public sealed class SessionCapTests
{
    [Fact]
    public async Task Initializing_past_the_cap_closes_the_idlest_sessions_of_that_principal_only()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Mcp:MaxSessionsPerPrincipal"] = "3",
        });
        var otherKey = await server.AdminAsync(a => a.CreateKeyAsync("other@portico.test", "other", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var otherClient = server.CreateClient(otherKey.Plaintext);
        var other = new McpHttp(otherClient);
        var otherSession = await other.InitializeAsync();

        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await mcp.InitializeAsync());
            server.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Session 0 is in use again: the idlest (1) goes first, not the oldest (0).
        Assert.Equal(HttpStatusCode.OK, (await mcp.CallToolAsync(sessions[0], "ping")).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        sessions.Add(await mcp.InitializeAsync());
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK], await PingAllAsync(mcp, sessions));

        for (var i = 0; i < 2; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            sessions.Add(await mcp.InitializeAsync());
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            await PingAllAsync(mcp, sessions));
        Assert.Equal(HttpStatusCode.OK, (await other.CallToolAsync(otherSession, "ping")).Status);
        Assert.Equal(3 + 1, server.Services.GetRequiredService<McpSessionManager>().LiveCount);
        Assert.Equal(3 + 1, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM mcp_sessions WHERE closed_at IS NULL"));
    }

    [Fact]
    public async Task A_session_closed_by_the_cap_on_one_instance_is_gone_on_the_other()
    {
        await using var pair = await TwoInstances.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Mcp:MaxSessionsPerPrincipal"] = "1",
        });
        var first = await pair.ViaB.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await pair.ViaB.CallToolAsync(first, "ping")).Status);

        pair.A.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await pair.ViaA.InitializeAsync();

        await Eventually.AssertAsync(async () => (await pair.ViaB.CallToolAsync(first, "ping")).Status == HttpStatusCode.NotFound,
            "the peer to drop the session the cap closed");
        Assert.Equal(HttpStatusCode.OK, (await pair.ViaB.CallToolAsync(second, "ping")).Status);
    }

    private static async Task<List<HttpStatusCode>> PingAllAsync(McpHttp mcp, List<string> sessions)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var session in sessions)
        {
            statuses.Add((await mcp.CallToolAsync(session, "ping")).Status);
        }

        return statuses;
    }
}
