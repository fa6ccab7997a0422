// MCP9005: sampling is deprecated by 2026-07-28, but bridging it between revisions is what is under test.
#pragma warning disable MCP9005
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Gateway;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// Revision bridging (docs/gateway.md): 2026-07-28 clients in front of 2025-11-25 upstreams and the other way round,
/// against real upstreams — server-everything, and a second Portico serving the conformance fixture's input-required
/// tools, added once as a 2025-11-25 upstream ("old") and once as a 2026-07-28 one ("new").
/// </summary>
public sealed class RevisionBridgingTests
{
    private const string Modern = "2026-07-28";
    private const string Session = "2025-11-25";

    [Fact]
    public async Task A_2026_client_answers_what_a_2025_upstream_asks_in_input_required_rounds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var web = await HttpUpstreamProcess.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "old", url = upstream.McpEndpoint.ToString(), protocol = Session });
        await gateway.AddAsync(new { name = "web", url = web.Url.ToString() });
        await gateway.WaitUpAsync("old");
        await gateway.WaitUpAsync("web");
        var asked = new List<string>();
        await using var client = await ConnectAsync(gateway.Server, Modern, Handlers(asked, declineNames: false));

        var multiRound = await client.CallToolAsync("old__test_input_required_result_multi_round", cancellationToken: ct);
        var sampled = await client.CallToolAsync("old__test_input_required_result_sampling", cancellationToken: ct);
        var everything = await client.CallToolAsync("web__trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "say hi", ["maxTokens"] = 10 }, cancellationToken: ct);
        var elicited = await client.CallToolAsync("web__trigger-elicitation-request", cancellationToken: ct);
        await using var decliner = await ConnectAsync(gateway.Server, Modern, Handlers(asked, declineNames: true));
        var declined = await decliner.CallToolAsync("old__test_input_required_result_elicitation", cancellationToken: ct);

        Assert.Equal(Modern, client.NegotiatedProtocolVersion);
        Assert.Equal("Ada's favourite colour is blue.", Text(multiRound));
        Assert.Equal(["Step 1: What is your name?", "Step 2: What is your favorite color?"], asked.Take(2));
        Assert.Contains("Paris", Text(sampled), StringComparison.Ordinal);
        Assert.NotEqual(true, everything.IsError);
        Assert.Contains("Paris", Text(everything), StringComparison.Ordinal);
        Assert.NotEqual(true, elicited.IsError);
        Assert.Contains("- Name: Ada", Text(elicited), StringComparison.Ordinal);
        Assert.Equal("No name given (action=decline).", Text(declined));
        var audit = await AuditAsync(gateway.Server);
        // Each question was a round of its own: input_required, then the retry that carried the answer.
        Assert.Equal(2, audit.Count(a => a.Tool == "old__test_input_required_result_multi_round" && a.Outcome == "input_required"));
        Assert.Single(audit, a => a.Tool == "old__test_input_required_result_multi_round" && a.Outcome == "ok");
        Assert.Contains(audit, a => a.Tool == "web__trigger-sampling-request" && a.Outcome == "input_required");
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Service<UpstreamInputRounds>().Count == 0), "every round to end with its call");
    }

    [Fact]
    public async Task A_2025_client_answers_a_2026_upstreams_input_required_results_over_its_session()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "new", url = upstream.McpEndpoint.ToString(), protocol = Modern });
        await gateway.WaitUpAsync("new");
        var asked = new List<string>();
        await using var client = await ConnectAsync(gateway.Server, Session, Handlers(asked, declineNames: false));
        await using var noSampling = await ConnectAsync(gateway.Server, Session, new McpClientHandlers { ElicitationHandler = Handlers(asked, false).ElicitationHandler });

        var multiRound = await client.CallToolAsync("new__test_input_required_result_multi_round", cancellationToken: ct);
        var sampled = await client.CallToolAsync("new__test_input_required_result_sampling", cancellationToken: ct);
        var refused = await Assert.ThrowsAnyAsync<McpProtocolException>(() => noSampling.CallToolAsync("new__test_input_required_result_sampling", cancellationToken: ct).AsTask());

        Assert.Equal(Session, client.NegotiatedProtocolVersion);
        Assert.Equal("Ada's favourite colour is blue.", Text(multiRound));
        Assert.Equal(["Step 1: What is your name?", "Step 2: What is your favorite color?"], asked.Take(2));
        Assert.Contains("Paris", Text(sampled), StringComparison.Ordinal);
        Assert.Equal(McpErrorCode.MissingRequiredClientCapability, refused.ErrorCode);
        Assert.Contains("'sampling' capability", refused.Message, StringComparison.Ordinal);
        Assert.Contains(await AuditAsync(gateway.Server), a => a.Tool == "new__test_input_required_result_sampling" && a.ErrorCode == "CAPABILITY_MISSING");
    }

    [Fact]
    public async Task A_2026_client_gets_a_2026_upstreams_input_required_result_with_the_upstream_state_sealed_inside_porticos()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        // Never down, so every check after the first listing is a liveness check (no new listing hides a failing one).
        await using var gateway = await GatewayHarness.StartAsync(failureThreshold: 1000);
        await gateway.AddAsync(new { name = "new", url = upstream.McpEndpoint.ToString(), protocol = Modern });
        await gateway.WaitUpAsync("new");
        var asked = new List<string>();
        await using var client = await ConnectAsync(gateway.Server, Modern, Handlers(asked, declineNames: false));
        var multiRound = await client.CallToolAsync("new__test_input_required_result_multi_round", cancellationToken: ct);
        using var http = gateway.Server.CreateClient(gateway.Server.ApiKey);
        var mcp = new McpHttp(http);
        const string Tool = "new__test_input_required_result_multi_round";

        var first = Result(await StatelessMcp.PostAsync(mcp, Call(Tool)));
        var state = State(first);
        var tampered = Error(await StatelessMcp.PostAsync(mcp, Call(Tool, Answer("name", "Ada"), state[..^4] + (state[^4..] == "AAAA" ? "BBBB" : "AAAA"))));
        var otherKey = await gateway.Server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "other", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var otherHttp = gateway.Server.CreateClient(otherKey.Plaintext);
        var foreign = Error(await StatelessMcp.PostAsync(new McpHttp(otherHttp), Call(Tool, Answer("name", "Ada"), state)));
        var second = Result(await StatelessMcp.PostAsync(mcp, Call(Tool, Answer("step1", "Ada", "name"), state)));
        var final = Result(await StatelessMcp.PostAsync(mcp, Call(Tool, Answer("step2", "blue", "color"), State(second))));
        var noCapability = Error(await StatelessMcp.PostAsync(mcp, Call(Tool, capabilities: new JsonObject())));

        Assert.Equal("Ada's favourite colour is blue.", Text(multiRound));
        // The upstream's own question under its own key; its state travels only inside Portico's sealed one.
        Assert.Equal("input_required", (string?)first["resultType"]);
        Assert.Equal("Step 1: What is your name?", (string?)first["inputRequests"]!["step1"]!["params"]!["message"]);
        Assert.DoesNotContain("step", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(state)), StringComparison.Ordinal);
        Assert.Equal(-32602, (int)tampered["code"]!);
        Assert.Contains("altered", (string?)tampered["message"], StringComparison.Ordinal);
        Assert.Equal(-32602, (int)foreign["code"]!);
        Assert.Contains("another caller", (string?)foreign["message"], StringComparison.Ordinal);
        Assert.Equal("Step 2: What is your favorite color?", (string?)second["inputRequests"]!["step2"]!["params"]!["message"]);
        Assert.Equal("Ada's favourite colour is blue.", (string?)final["content"]![0]!["text"]);
        Assert.Equal(-32021, (int)noCapability["code"]!);
        Assert.Equal(0, gateway.Service<UpstreamInputRounds>().Count); // passed through: nothing waits on the gateway
        // Its health checks after the listing succeed too (2026-07-28 has no ping; server/discover answers).
        var later = gateway.Server.Clock.GetUtcNow().AddMinutes(1);
        gateway.Server.Clock.Advance(TimeSpan.FromMinutes(1));
        await gateway.WaitForVendorAsync("new", v => (int)v["consecutiveFailures"]! == 0 && v["lastCheckedAt"]!.GetValue<DateTimeOffset>() >= later, "checked again and up");
    }

    [Fact]
    public async Task A_retry_that_reaches_another_instance_is_relayed_to_the_upstream_call_the_first_holds()
    {
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var pair = await TwoInstances.StartAsync(Outbound());
        var admin = await pair.A.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        using (var client = pair.A.CreateClient(admin.Plaintext))
        {
            using var added = await client.PostAsJsonAsync("/admin/api/upstreams", new { name = "old", url = upstream.McpEndpoint.ToString(), protocol = Session },
                TestContext.Current.CancellationToken);
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        const string Tool = "old__test_input_required_result_multi_round";
        foreach (var instance in new[] { pair.A, pair.B })
        {
            await Eventually.AssertAsync(() => Task.FromResult(instance.Services.GetRequiredService<GatewayToolSource>().Tools.Any(t => t.Name == Tool)), "the upstream's tools on both instances");
        }

        var first = Result(await StatelessMcp.PostAsync(pair.ViaA, Call(Tool)));
        var key = Assert.Single(first["inputRequests"]!.AsObject()).Key;
        var second = Result(await StatelessMcp.PostAsync(pair.ViaB, Call(Tool, Answer(key, "Ada", "name"), State(first))));
        var nextKey = Assert.Single(second["inputRequests"]!.AsObject()).Key;
        var final = Result(await StatelessMcp.PostAsync(pair.ViaB, Call(Tool, Answer(nextKey, "green", "color"), State(second))));

        Assert.Equal("Step 1: What is your name?", (string?)first["inputRequests"]![key]!["params"]!["message"]);
        Assert.Equal("Step 2: What is your favorite color?", (string?)second["inputRequests"]![nextKey]!["params"]!["message"]);
        Assert.Equal("Ada's favourite colour is green.", (string?)final["content"]![0]!["text"]);
        Assert.Equal(0, pair.B.Services.GetRequiredService<UpstreamInputRounds>().Count); // B never held the call
        await Eventually.AssertAsync(() => Task.FromResult(pair.A.Services.GetRequiredService<UpstreamInputRounds>().Count == 0), "A's round to end with the call");
        await using var scope = pair.A.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UpstreamRoundMessageRecord>().ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_round_never_answered_cancels_the_upstream_call_and_is_audited_and_a_client_without_the_capability_is_refused_at_once()
    {
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var gateway = await GatewayHarness.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Gateway:InputRoundTimeout"] = "00:00:01" });
        await gateway.AddAsync(new { name = "old", url = upstream.McpEndpoint.ToString(), protocol = Session });
        await gateway.WaitUpAsync("old");
        using var http = gateway.Server.CreateClient(gateway.Server.ApiKey);
        var mcp = new McpHttp(http);
        const string Tool = "old__test_input_required_result_elicitation";

        var first = Result(await StatelessMcp.PostAsync(mcp, Call(Tool)));
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Service<UpstreamInputRounds>().Count == 0), "the unanswered round to be cancelled");
        await Eventually.AssertAsync(async () => (await AuditAsync(gateway.Server)).Any(a => a.Tool == Tool && a.ErrorCode == UpstreamInputRounds.ExpiredCode), "the expiry to be audited");
        var late = Error(await StatelessMcp.PostAsync(mcp, Call(Tool, Answer("upstream-1", "Ada", "name"), State(first))));
        var lacking = Error(await StatelessMcp.PostAsync(mcp, Call(Tool, capabilities: new JsonObject { ["sampling"] = new JsonObject() })));

        Assert.Equal("input_required", (string?)first["resultType"]);
        Assert.Equal(-32602, (int)late["code"]!);
        Assert.Contains("no longer waiting", (string?)late["message"], StringComparison.Ordinal);
        // The upstream was told at once that the client cannot answer elicitation; its refusal comes back as the call's error.
        Assert.Equal(-32021, (int)lacking["code"]!);
        Assert.Contains("declared no 'elicitation' capability", (string?)lacking["message"], StringComparison.Ordinal);
        Assert.Equal(0, gateway.Service<UpstreamInputRounds>().Count);
    }

    private static Dictionary<string, string?> Outbound() => new()
    {
        ["Portico:Gateway:HealthCheckInterval"] = "00:00:00.200",
        ["Portico:Outbound:Upstreams:AllowPrivateNetworks"] = "true",
        ["Portico:Outbound:Upstreams:AllowHttp"] = "true",
    };

    private static McpClientHandlers Handlers(List<string> asked, bool declineNames) => new()
    {
        SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
        {
            Content = [new TextContentBlock { Text = "Paris, said the test client" }],
            Model = "test-model",
            Role = Role.Assistant,
        }),
        ElicitationHandler = (request, _) =>
        {
            lock (asked)
            {
                asked.Add(request?.Message ?? "");
            }

            var properties = request?.RequestedSchema?.Properties.Keys ?? [];
            if (declineNames)
            {
                return ValueTask.FromResult(new ElicitResult { Action = "decline" });
            }

            var content = new Dictionary<string, JsonElement>();
            foreach (var property in properties)
            {
                content[property] = JsonSerializer.SerializeToElement(property switch
                {
                    "color" => (object)"blue",
                    "check" => true,
                    "email" => "ada@example.com",
                    "name" => "Ada",
                    _ => "x",
                });
            }

            return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = content });
        },
    };

    private static async Task<McpClient> ConnectAsync(PorticoTestServer server, string protocolVersion, McpClientHandlers handlers)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {server.ApiKey}" },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion, Handlers = handlers },
            cancellationToken: TestContext.Current.CancellationToken);
    }

    private static string Call(string tool, JsonObject? responses = null, string? state = null, JsonObject? capabilities = null)
    {
        var parameters = new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = new JsonObject(),
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = Modern,
                ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "bridging-test", ["version"] = "1.0" },
                ["io.modelcontextprotocol/clientCapabilities"] = capabilities ?? new JsonObject { ["elicitation"] = new JsonObject(), ["sampling"] = new JsonObject() },
            },
        };
        if (responses is not null)
        {
            parameters["inputResponses"] = responses;
        }

        if (state is not null)
        {
            parameters["requestState"] = state;
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call", ["params"] = parameters }.ToJsonString();
    }

    private static JsonObject Answer(string key, string value, string field = "name")
        => new() { [key] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { [field] = value } } };

    private static JsonObject Result(McpHttpResponse response)
        => response.Final["result"] as JsonObject ?? throw new InvalidOperationException($"Expected a result, got {(int)response.Status}: {response.Body}");

    private static JsonObject Error(McpHttpResponse response)
        => response.Final["error"] as JsonObject ?? throw new InvalidOperationException($"Expected an error, got {(int)response.Status}: {response.Body}");

    private static string State(JsonObject result)
        => result["requestState"]?.GetValue<string>() ?? throw new InvalidOperationException($"Expected an input_required result, got {result.ToJsonString()}");

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static async Task<List<AuditRecord>> AuditAsync(PorticoTestServer server)
    {
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }
}
