// MCP9005: sampling is deprecated by SEP-2577 but is one of the requests an input-required round carries.
#pragma warning disable MCP9005
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

/// <summary>
/// Input-required rounds (SEP-2322) of a native tool that asks once for an elicitation, then for a sampling: the same
/// tool code answers a 2026-07-28 client with input_required results and a 2025-11-25 session with server→client
/// requests; rounds may land on any instance; and a requestState that is altered, another caller's, replayed for
/// another call or expired is refused with -32602.
/// </summary>
public sealed class InputRoundsTests
{
    private const string Modern = "2026-07-28";

    private static readonly JsonObject NameAnswer = new() { ["action"] = "accept", ["content"] = new JsonObject { ["name"] = "Ada" } };

    private static readonly JsonObject LineAnswer = new()
    {
        ["role"] = "assistant",
        ["content"] = new JsonObject { ["type"] = "text", ["text"] = "Tea is a warm hug." },
        ["model"] = "test-model",
    };

    [Theory]
    [InlineData(null)]          // the SDK's default: 2026-07-28, input_required results, no session
    [InlineData("2025-11-25")]  // a session: the same questions as server→client requests
    public async Task Sdk_client_answers_an_elicitation_then_a_sampling_and_gets_the_result(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        await using var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {server.ApiKey}" },
        });
        var asked = new List<string>();
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = protocolVersion,
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked.Add($"elicit: {request!.Message}");
                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("Ada") },
                    });
                },
                SamplingHandler = (request, _, _) =>
                {
                    asked.Add($"sample: {request!.Messages.Single().Content.OfType<TextContentBlock>().Single().Text}");
                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Role = Role.Assistant,
                        Model = "test-model",
                        Content = [new TextContentBlock { Text = "Tea is a warm hug." }],
                    });
                },
            },
        }, cancellationToken: ct);

        var result = await client.CallToolAsync("interview", new Dictionary<string, object?> { ["topic"] = "tea" }, cancellationToken: ct);

        Assert.Equal(protocolVersion ?? Modern, client.NegotiatedProtocolVersion);
        Assert.Equal(protocolVersion is null, client.SessionId is null);
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Ada on tea: Tea is a warm hug.", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(["elicit: Who is asking?", "sample: One line about tea for Ada"], asked);
        // Every round went through the pipeline and left its record: two that asked, one that answered.
        var rounds = (await AuditAsync(server)).Where(a => a.Tool == "interview").Select(a => a.Outcome).ToList();
        Assert.Equal([ToolCallPipeline.InputRequiredOutcome, ToolCallPipeline.InputRequiredOutcome, "ok"], rounds);
    }

    [Fact]
    public async Task Each_round_may_land_on_another_instance()
    {
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddMcpPack<InputTestPack>());

        var first = Result(await StatelessMcp.PostAsync(pair.ViaA, Call("interview", "tea")));
        var second = Result(await StatelessMcp.PostAsync(pair.ViaB, Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, State(first))));
        var third = Result(await StatelessMcp.PostAsync(pair.ViaA, Call("interview", "tea", new JsonObject { ["line"] = LineAnswer.DeepClone() }, State(second))));

        Assert.Equal("elicitation/create", first["inputRequests"]!["name"]!["method"]!.GetValue<string>());
        Assert.Equal("sampling/createMessage", second["inputRequests"]!["line"]!["method"]!.GetValue<string>());
        Assert.NotEqual(State(first), State(second));
        Assert.NotEqual("input_required", third["resultType"]?.GetValue<string>());
        Assert.Equal("Ada on tea: Tea is a warm hug.", third["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_altered_or_made_up_state_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var state = State(Result(await StatelessMcp.PostAsync(mcp, Call("interview", "tea"))));
        var middle = state.Length / 2;
        var flipped = state[..middle] + (state[middle] == 'A' ? 'B' : 'A') + state[(middle + 1)..];

        foreach (var forged in new[] { flipped, state + "-TAMPERED", state[..^4], "not-a-state", new string('x', InputRounds.MaxStateLength + 1) })
        {
            var refused = await StatelessMcp.PostAsync(mcp, Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, forged));

            var error = Error(refused);
            Assert.Equal(-32602, error["code"]!.GetValue<int>());
            Assert.Contains("requestState", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("start over", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var audited = (await AuditAsync(server)).Where(a => a.ErrorCode == InputRefusedException.StateInvalid).ToList();
        Assert.Equal(5, audited.Count);
        Assert.All(audited, a => Assert.Equal(("interview", "error"), (a.Tool, a.Outcome)));
    }

    [Fact]
    public async Task Another_callers_state_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var owner = server.CreateClient();
        var state = State(Result(await StatelessMcp.PostAsync(new McpHttp(owner), Call("interview", "tea"))));
        var otherUser = await server.AdminAsync(a => a.CreateKeyAsync("mallory@portico.test", "mallory", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        var sameUserOtherKey = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "second", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));

        foreach (var key in new[] { otherUser.Plaintext, sameUserOtherKey.Plaintext })
        {
            using var thief = server.CreateClient(key);
            var refused = await StatelessMcp.PostAsync(new McpHttp(thief), Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, state));

            var error = Error(refused);
            Assert.Equal(-32602, error["code"]!.GetValue<int>());
            Assert.Contains("issued to another caller", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // The owner's own retry still works.
        var next = Result(await StatelessMcp.PostAsync(new McpHttp(owner), Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, state)));
        Assert.NotNull(next["inputRequests"]!["line"]);
    }

    [Fact]
    public async Task A_state_replayed_for_other_arguments_or_another_tool_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var state = State(Result(await StatelessMcp.PostAsync(mcp, Call("interview", "tea"))));
        var answers = new JsonObject { ["name"] = NameAnswer.DeepClone() };

        var otherArguments = Error(await StatelessMcp.PostAsync(mcp, Call("interview", "coffee", answers.DeepClone().AsObject(), state)));
        var otherTool = Error(await StatelessMcp.PostAsync(mcp, Call("interview_copy", "tea", answers.DeepClone().AsObject(), state)));
        var otherTenantUrl = Error(await StatelessMcp.PostAsync(new McpHttp(client, $"/{server.TenantId}/mcp"), Call("interview", "tea", answers.DeepClone().AsObject(), state)));

        Assert.Contains("issued for other arguments", otherArguments["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("issued for tools/call 'interview', not tools/call 'interview_copy'", otherTool["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("issued for other arguments (or another tenant or upstream URL)", otherTenantUrl["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(new[] { otherArguments, otherTool, otherTenantUrl }, e => Assert.Equal(-32602, e["code"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Arguments_in_another_order_are_the_same_call()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var first = Call("interview", "tea").Replace("""{"topic":"tea"}""", """{"topic":"tea","extra":{"b":1,"a":[2,{"y":1,"x":2}]}}""", StringComparison.Ordinal);
        var state = State(Result(await StatelessMcp.PostAsync(mcp, first)));
        var retry = Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, state)
            .Replace("""{"topic":"tea"}""", """{"extra":{"a":[2,{"x":2,"y":1}],"b":1},"topic":"tea"}""", StringComparison.Ordinal);

        var next = Result(await StatelessMcp.PostAsync(mcp, retry));

        Assert.NotNull(next["inputRequests"]!["line"]);
    }

    [Fact]
    public async Task An_expired_state_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var state = State(Result(await StatelessMcp.PostAsync(mcp, Call("interview", "tea"))));

        server.Clock.Advance(new PolicyOptions().InputStateLifetime + TimeSpan.FromSeconds(1));
        var error = Error(await StatelessMcp.PostAsync(mcp, Call("interview", "tea", new JsonObject { ["name"] = NameAnswer.DeepClone() }, state)));

        Assert.Equal(-32602, error["code"]!.GetValue<int>());
        Assert.Contains("'requestState' expired at", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_never_answers_leaves_nothing_running()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var pack = server.Services.GetServices<IMcpPack>().OfType<InputTestPack>().Single();

        var asked = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => StatelessMcp.PostAsync(mcp, Call("interview", $"topic {i}", id: i))));

        // Nothing waits for the answers that never come: no handler suspended, no session, nothing stored for the state.
        Assert.All(asked, response => Assert.Equal("input_required", Result(response)["resultType"]!.GetValue<string>()));
        Assert.Equal(0, pack.Running);
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM mcp_sessions"));
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM relayed_answers"));
        Assert.Equal(5, (await AuditAsync(server)).Count(a => a.Outcome == ToolCallPipeline.InputRequiredOutcome));
    }

    [Fact]
    public async Task An_answer_of_the_wrong_kind_is_refused_and_unasked_answers_are_ignored()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var state = State(Result(await StatelessMcp.PostAsync(mcp, Call("interview", "tea"))));

        // A sampling result where the elicitation was asked.
        var wrongKind = Error(await StatelessMcp.PostAsync(mcp, Call("interview", "tea", new JsonObject { ["name"] = LineAnswer.DeepClone() }, state)));
        // An answer to a question round 1 did not ask ('line') is not seen by the tool: it asks for the name again.
        var unasked = Result(await StatelessMcp.PostAsync(mcp, Call("interview", "tea", new JsonObject { ["line"] = LineAnswer.DeepClone() }, state)));
        var notAnObject = Error(await StatelessMcp.PostAsync(mcp, Call("interview", "tea", new JsonObject { ["name"] = 12345 }, state)));

        Assert.Equal(-32602, wrongKind["code"]!.GetValue<int>());
        Assert.Contains("inputResponses['name'] answers a 'elicitation/create' request: expected an elicitation result", wrongKind["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("elicitation/create", unasked["inputRequests"]!["name"]!["method"]!.GetValue<string>());
        Assert.Contains("'inputResponses.name' must be the result object", notAnObject["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(await AuditAsync(server), a => a.ErrorCode == InputRefusedException.ResponseInvalid);
    }

    [Fact]
    public async Task Asking_a_client_that_declared_no_such_capability_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();

        var response = await StatelessMcp.PostAsync(new McpHttp(client), Call("interview", "tea", capabilities: new JsonObject { ["sampling"] = new JsonObject() }));

        var error = Error(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(-32021, error["code"]!.GetValue<int>());
        Assert.Contains("elicitation/create", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(error["data"]!["requiredCapabilities"]!["elicitation"]);
        Assert.Contains(await AuditAsync(server), a => a.ErrorCode == "CAPABILITY_MISSING");
    }

    [Fact]
    public async Task A_prompt_asks_in_rounds_too()
    {
        await using var server = await PorticoTestServer.StartAsync(conformance: true);
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var get = new JsonObject { ["name"] = "test_input_required_result_prompt", ["_meta"] = Meta(null) };

        var first = Result(await StatelessMcp.PostAsync(mcp, Request("prompts/get", get.DeepClone().AsObject())));
        var retry = get.DeepClone().AsObject();
        retry["inputResponses"] = new JsonObject { ["user_context"] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["context"] = "tea time" } } };
        retry["requestState"] = State(first);
        var second = Result(await StatelessMcp.PostAsync(mcp, Request("prompts/get", retry)));
        var replayedToTool = Error(await StatelessMcp.PostAsync(mcp, Call("test_input_required_result_elicitation", "tea", state: State(first))));

        Assert.Equal("elicitation/create", first["inputRequests"]!["user_context"]!["method"]!.GetValue<string>());
        Assert.Contains("tea time", second["messages"]![0]!["content"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("issued for prompts/get 'test_input_required_result_prompt'", replayedToTool["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_asks_in_rounds_bound_to_its_uri()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<InputTestPack>());
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var read = new JsonObject { ["uri"] = "input-test://roots", ["_meta"] = Meta(new JsonObject { ["roots"] = new JsonObject() }) };

        var first = Result(await StatelessMcp.PostAsync(mcp, Request("resources/read", read.DeepClone().AsObject())));
        var retry = read.DeepClone().AsObject();
        retry["inputResponses"] = new JsonObject { ["roots"] = new JsonObject { ["roots"] = new JsonArray(new JsonObject { ["uri"] = "file:///work" }) } };
        retry["requestState"] = State(first);
        var second = Result(await StatelessMcp.PostAsync(mcp, Request("resources/read", retry)));

        Assert.Equal("roots/list", first["inputRequests"]!["roots"]!["method"]!.GetValue<string>());
        Assert.Equal("file:///work", second["contents"]![0]!["text"]!.GetValue<string>());
    }

    private static string Call(string tool, string topic, JsonObject? responses = null, string? state = null, JsonObject? capabilities = null, int id = 1)
    {
        var parameters = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject { ["topic"] = topic }, ["_meta"] = Meta(capabilities) };
        if (responses is not null)
        {
            parameters["inputResponses"] = responses;
        }

        if (state is not null)
        {
            parameters["requestState"] = state;
        }

        return Request("tools/call", parameters, id);
    }

    private static string Request(string method, JsonObject parameters, int id = 1)
        => new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();

    private static JsonObject Meta(JsonObject? capabilities) => new()
    {
        ["io.modelcontextprotocol/protocolVersion"] = Modern,
        ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "input-rounds-test", ["version"] = "1.0" },
        ["io.modelcontextprotocol/clientCapabilities"] = capabilities ?? new JsonObject { ["elicitation"] = new JsonObject(), ["sampling"] = new JsonObject() },
    };

    private static JsonObject Result(McpHttpResponse response)
        => response.Final["result"] as JsonObject ?? throw new InvalidOperationException($"Expected a result, got {(int)response.Status}: {response.Body}");

    private static JsonObject Error(McpHttpResponse response)
        => response.Final["error"] as JsonObject ?? throw new InvalidOperationException($"Expected an error, got {(int)response.Status}: {response.Body}");

    private static string State(JsonObject result) => result["requestState"]!.GetValue<string>();

    private static async Task<List<AuditRecord>> AuditAsync(PorticoTestServer server)
    {
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }
}
