using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Policy.RateLimiting;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

/// <summary>Per (user, tool) sliding windows for write tools, tier multipliers, and the per-credential HTTP limit — all on a fake clock.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Thirty_calls_pass_and_the_31st_is_limited_until_the_window_slides()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        await CallManyAsync(mcp, session, "write-note", 10);
        server.Clock.Advance(TimeSpan.FromSeconds(20));
        await CallManyAsync(mcp, session, "write-note", 20);
        var limited = await mcp.CallToolAsync(session, "write-note");

        var error = AssertLimited(limited);
        Assert.Equal(40, (int)error["details"]!["retryAfterSeconds"]!);
        Assert.Equal(30, (int)error["details"]!["limit"]!);
        Assert.Equal(60, (int)error["details"]!["windowSeconds"]!);

        // After 40 s more, the first 10 calls left the window: exactly 10 more fit.
        server.Clock.Advance(TimeSpan.FromSeconds(40));
        await CallManyAsync(mcp, session, "write-note", 10);
        Assert.Equal(20, (int)AssertLimited(await mcp.CallToolAsync(session, "write-note"))["details"]!["retryAfterSeconds"]!);
    }

    [Theory]
    [InlineData("pro", 60)]
    [InlineData("pro_plus", 120)]
    public async Task Tier_multiplies_the_write_budget(string plan, int limit)
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, plan, CancellationToken.None));
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        await CallManyAsync(mcp, session, "write-note", limit);

        Assert.Equal(limit, (int)AssertLimited(await mcp.CallToolAsync(session, "write-note"))["details"]!["limit"]!);
    }

    [Fact]
    public async Task A_burst_on_one_tool_leaves_other_tools_and_read_tools_untouched()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        await CallManyAsync(mcp, session, "write-note", 30);
        AssertLimited(await mcp.CallToolAsync(session, "write-note"));

        await CallManyAsync(mcp, session, "write-other", 30);
        await CallManyAsync(mcp, session, "ping", 100);
    }

    [Fact]
    public async Task Http_limit_per_credential_answers_429_with_retry_after()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:RateLimits:RequestsPerMinuteByPlan:basic"] = "4",
        });
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();      // 2 requests: initialize + initialized
        await mcp.CallToolAsync(session, "ping", id: 3);
        await mcp.CallToolAsync(session, "ping", id: 4);
        server.Clock.Advance(TimeSpan.FromSeconds(15));

        var limited = await mcp.CallToolAsync(session, "ping", id: 5);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(45), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(-32004, (int)limited.Single["error"]!["code"]!);
        Assert.Equal(45, (int)limited.Single["error"]!["data"]!["retryAfterSeconds"]!);

        server.Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await mcp.CallToolAsync(session, "ping", id: 6)).Status);
    }

    [Fact]
    public async Task Concurrent_callers_on_two_instances_never_take_more_than_the_limit()
    {
        await using var pair = await TwoInstances.StartAsync();
        var stores = new[] { pair.A.Services.GetRequiredService<IRateLimitStore>(), pair.B.Services.GetRequiredService<IRateLimitStore>() };
        var now = pair.A.Clock.GetUtcNow();

        // 200 checks at once, alternating instances, for a limit of 30: exactly 30 are counted.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await stores[i % 2].TryAcquireAsync("race", 30, TimeSpan.FromMinutes(1), now, CancellationToken.None))));

        Assert.Equal(30, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(30, d.Used));
        var peek = await stores[1].PeekAsync("race", 30, TimeSpan.FromMinutes(1), now.AddSeconds(1), CancellationToken.None);
        Assert.Equal((false, 30), (peek.Allowed, peek.Used));
        Assert.Equal(59, peek.RetryAfterSeconds);

        // A minute later the whole window has slid: the key starts afresh.
        var later = await stores[0].TryAcquireAsync("race", 30, TimeSpan.FromMinutes(1), now.AddMinutes(1).AddSeconds(1), CancellationToken.None);
        Assert.Equal((true, 1), (later.Allowed, later.Used));
    }

    private static async Task CallManyAsync(McpHttp mcp, string session, string tool, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var response = await mcp.CallToolAsync(session, tool, new JsonObject(), id: 100 + i);
            Assert.NotEqual(true, (bool?)response.Final["result"]!["isError"]);
        }
    }

    private static JsonNode AssertLimited(McpHttpResponse response)
    {
        var result = response.Final["result"]!;
        Assert.True((bool?)result["isError"]);
        var error = result["structuredContent"]!["error"]!;
        Assert.Equal("RATE_LIMITED", (string?)error["code"]);
        return error;
    }
}
