using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>A client's mistake in params is -32602 Invalid params saying what is wrong; -32603 stays for real server faults.</summary>
public sealed class InvalidParamsTests(InvalidParamsTests.Server fixture) : IClassFixture<InvalidParamsTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        internal PorticoTestServer Instance { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Instance = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());

        public async ValueTask DisposeAsync() => await Instance.DisposeAsync();
    }

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "logging/setLevel", "{}", "'level' must be a non-empty string" },
        { "logging/setLevel", """{"level":"bogus"}""", "'level' must be one of debug, info" },
        { "logging/setLevel", """{"level":3}""", "'level' must be a non-empty string; got a number" },
        { "completion/complete", "{}", "'ref' must be an object" },
        { "completion/complete", """{"ref":"ref/prompt","argument":{"name":"a","value":"b"}}""", "'ref' must be an object" },
        { "completion/complete", """{"ref":{"type":"ref/nothing","name":"p"},"argument":{"name":"a","value":"b"}}""", "'ref.type' must be \"ref/prompt\" or \"ref/resource\"" },
        { "completion/complete", """{"ref":{"type":"ref/prompt"},"argument":{"name":"a","value":"b"}}""", "'ref.name' must be a non-empty string" },
        { "completion/complete", """{"ref":{"type":"ref/resource","uri":"test://x"}}""", "'argument' must be an object" },
        { "completion/complete", """{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":7}}""", "'argument.value' must be a non-empty string; got a number" },
        { "resources/subscribe", "{}", "'uri' must be a non-empty string; got nothing" },
        { "resources/unsubscribe", """{"uri":false}""", "'uri' must be a non-empty string; got a boolean" },
        { "resources/read", """{"uri":""}""", "'uri' must be a non-empty string; got an empty string" },
        { "prompts/get", """{"name":"p","arguments":[]}""", "'arguments' must be an object" },
        { "tools/call", """{"name":5}""", "'name' must be a non-empty string; got a number" },
        { "tools/call", "{}", "'name' must be a non-empty string; got nothing" },
        { "tools/call", """{"name":"ping","arguments":[]}""", "'arguments' must be an object (name → value); got an array" },
        { "tools/call", """{"name":"ping","arguments":"x"}""", "'arguments' must be an object (name → value); got a string" },
        { "tools/list", """{"cursor":12}""", "'cursor'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_in_params_is_invalid_params_with_what_is_wrong(string method, string parameters, string message)
    {
        using var client = fixture.Instance.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostAsync($$$"""{"jsonrpc":"2.0","id":11,"method":"{{{method}}}","params":{{{parameters}}}}""", session);

        var error = response.Final["error"]!;
        Assert.Equal(-32602, (int)error["code"]!);
        Assert.Contains(message, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(11, (int)response.Final["id"]!);
    }

    [Fact]
    public async Task Duplicate_keys_in_params_are_invalid_params()
    {
        using var client = fixture.Instance.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var name = await mcp.PostAsync("""{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"ping","name":"premium-report"}}""", session);
        var nested = await mcp.PostAsync("""{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"ping","arguments":{"message":"a","message":"b"}}}""", session);
        var meta = await mcp.PostAsync("""{"jsonrpc":"2.0","id":14,"method":"tools/list","params":{"_meta":{"a":1,"a":2}}}""", session);

        Assert.Equal(HttpStatusCode.BadRequest, name.Status);
        Assert.Equal(-32602, (int)name.Single["error"]!["code"]!);
        Assert.Contains("'name' appears twice", (string?)name.Single["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(12, (int)name.Single["id"]!);
        Assert.Contains("'arguments.message' appears twice", (string?)nested.Single["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains("'_meta.a' appears twice", (string?)meta.Single["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Well_formed_params_still_work()
    {
        using var client = fixture.Instance.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var level = await mcp.PostAsync("""{"jsonrpc":"2.0","id":15,"method":"logging/setLevel","params":{"level":"warning"}}""", session);
        var complete = await mcp.PostAsync("""{"jsonrpc":"2.0","id":16,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"a","value":""}}}""", session);
        var subscribe = await mcp.PostAsync("""{"jsonrpc":"2.0","id":17,"method":"resources/subscribe","params":{"uri":"test://broken"}}""", session);
        var call = await mcp.CallToolAsync(session, "ping", new System.Text.Json.Nodes.JsonObject { ["message"] = "hi" });

        Assert.Null(level.Final["error"]);
        Assert.Null(complete.Final["error"]);
        Assert.Null(subscribe.Final["error"]);
        Assert.Equal("hi", (string?)call.Final["result"]!["content"]![0]!["text"]);
    }

    [Theory]
    [InlineData("test://broken")]
    [InlineData("test://broken-json")]
    public async Task A_server_fault_stays_internal_error(string uri)
    {
        using var client = fixture.Instance.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostAsync($$$"""{"jsonrpc":"2.0","id":18,"method":"resources/read","params":{"uri":"{{{uri}}}"}}""", session);

        Assert.Equal(-32603, (int)response.Final["error"]!["code"]!);
    }
}
