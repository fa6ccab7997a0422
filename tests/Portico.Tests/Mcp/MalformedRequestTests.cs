using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>Every malformed request gets a JSON error with the right status, JSON-RPC code and message — never a 500 or HTML.</summary>
public sealed class MalformedRequestTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""";

    public sealed record Row(string Body, int Status, int Code, string Message,
        string Accept = "application/json, text/event-stream", string ContentType = "application/json",
        bool WithSession = false, string? SessionId = null, string? ProtocolVersion = null, string Method = "POST")
    {
        public override string ToString() => Message;
    }

    private static readonly Dictionary<string, Row> Cases = new()
    {
        ["accept-json-only"] = new(ToolsList, 406, -32600, "Not Acceptable", Accept: "application/json"),
        ["accept-sse-only"] = new(ToolsList, 406, -32600, "Not Acceptable", Accept: "text/event-stream"),
        ["accept-missing"] = new(ToolsList, 406, -32600, "Not Acceptable", Accept: ""),
        ["content-type-text"] = new(ToolsList, 415, -32600, "Unsupported Media Type", ContentType: "text/plain"),
        ["content-type-form"] = new(ToolsList, 415, -32600, "Unsupported Media Type", ContentType: "application/x-www-form-urlencoded"),
        ["not-json"] = new("this is not json", 400, -32700, "Parse error"),
        ["truncated-json"] = new("""{"jsonrpc":"2.0","id":1,"method":""", 400, -32700, "Parse error"),
        ["empty-body"] = new("", 400, -32700, "Parse error"),
        ["json-array"] = new($"[{ToolsList}]", 400, -32600, "batch requests"),
        ["json-scalar"] = new("42", 400, -32600, "expected a JSON-RPC 2.0 object"),
        ["wrong-jsonrpc"] = new("""{"jsonrpc":"1.0","id":1,"method":"tools/list"}""", 400, -32600, "'jsonrpc' must be exactly \"2.0\""),
        ["missing-jsonrpc"] = new("""{"id":1,"method":"tools/list"}""", 400, -32600, "'jsonrpc' must be exactly \"2.0\""),
        ["missing-method"] = new("""{"jsonrpc":"2.0","id":1}""", 400, -32600, "missing 'method'"),
        ["method-not-string"] = new("""{"jsonrpc":"2.0","id":1,"method":42}""", 400, -32600, "'method' must be a non-empty string"),
        ["id-object"] = new("""{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}""", 400, -32600, "'id' must be a string or an integer"),
        ["id-boolean"] = new("""{"jsonrpc":"2.0","id":true,"method":"tools/list"}""", 400, -32600, "'id' must be a string or an integer"),
        ["id-fraction"] = new("""{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}""", 400, -32600, "'id' must be a string or an integer"),
        ["params-array"] = new("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}""", 400, -32600, "'params' must be an object", WithSession: true),
        ["no-session"] = new(ToolsList, 400, -32600, "Mcp-Session-Id header is required"),
        ["bad-session-format"] = new(ToolsList, 400, -32600, "Mcp-Session-Id header is malformed", SessionId: "not a session!"),
        ["unknown-session"] = new(ToolsList, 404, -32001, "Session not found", SessionId: "0123456789abcdef0123456789abcdef"),
        // The specification: any session id the server does not recognise is 404, so the client re-initializes.
        ["unknown-session-other-shape"] = new(ToolsList, 404, -32001, "Session not found", SessionId: "not-a-portico-session"),
        ["unknown-session-uppercase"] = new(ToolsList, 404, -32001, "Session not found", SessionId: "0123456789ABCDEF0123456789ABCDEF"),
        ["unknown-session-uuid"] = new(ToolsList, 404, -32001, "Session not found", SessionId: "1f0e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        ["session-id-too-long"] = new(ToolsList, 400, -32600, "Mcp-Session-Id header is malformed", SessionId: new string('a', 257)),
        ["duplicate-envelope-key"] = new("""{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call"}""", 400, -32600, "the key 'method' appears twice"),
        ["duplicate-params-key"] = new("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","name":"ping"}}""", 400, -32602, "the key 'name' appears twice", WithSession: true),
        ["escaped-lone-surrogate"] = new("""{"jsonrpc":"2.0","id":1,"method":"tools/\udfff"}""", 400, -32700, "unpaired surrogate"),
        ["method-with-control-characters"] = new("""{"jsonrpc":"2.0","id":1,"method":"tools/\u0000list"}""", 400, -32601, "Method not found", WithSession: true),
        ["duplicate-initialize"] = new(McpHttp.Initialize(), 400, -32600, "already initialized", WithSession: true),
        ["unsupported-protocol-version"] = new(ToolsList, 400, -32600, "unsupported MCP-Protocol-Version '1999-01-01'", WithSession: true, ProtocolVersion: "1999-01-01"),
        ["body-too-large"] = new("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\",\"arguments\":{\"message\":\"" + new string('x', 70_000) + "\"}}}", 413, -32600, "Payload Too Large", WithSession: true),
        ["method-put"] = new(ToolsList, 405, -32600, "Method Not Allowed", Method: "PUT"),
        ["method-patch"] = new(ToolsList, 405, -32600, "Method Not Allowed", Method: "PATCH"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Malformed_request_gets_a_json_error(string name)
    {
        var c = Cases[name];
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = c.SessionId ?? (c.WithSession ? await mcp.InitializeAsync() : null);

        McpHttpResponse response;
        if (c.Method == "POST")
        {
            response = await mcp.PostAsync(c.Body, sessionId, c.Accept, c.ContentType, c.ProtocolVersion);
        }
        else
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), "/mcp") { Content = new StringContent(c.Body) };
            response = await mcp.SendAsync(request);
            Assert.Equal("GET, POST, DELETE, OPTIONS", response.Allow);
        }

        Assert.Equal(c.Status, (int)response.Status);
        Assert.Equal("application/json", response.ContentType);
        var error = response.Single["error"]!.AsObject();
        Assert.Equal(c.Code, (int)error["code"]!);
        Assert.Contains(c.Message, (string)error["message"]!, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["data"]?["hint"]), "every error carries a hint");
        Assert.Equal(response.RequestId, (string?)error["data"]?["requestId"]);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Unknown_session_id_of_any_visible_shape_is_404_on_GET_and_DELETE(string method)
    {
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/mcp");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Mcp-Session-Id", "session-from-another-server");
        var response = await new McpHttp(client).SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(-32001, (int)response.Single["error"]!["code"]!);
    }

    [Fact]
    public async Task Unknown_method_is_method_not_found_in_the_session()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync();

        var response = await mcp.PostAsync("""{"jsonrpc":"2.0","id":9,"method":"no/such/method"}""", sessionId);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(-32601, (int)response.Final["error"]!["code"]!);
        Assert.Equal(9, (int)response.Final["id"]!);
    }

    [Fact]
    public async Task Error_keeps_the_request_id_of_the_failed_request()
    {
        using var client = fixture.Server.CreateClient();
        var response = await new McpHttp(client).PostAsync("""{"jsonrpc":"1.0","id":"abc","method":"tools/list"}""");

        Assert.Equal("abc", (string?)response.Single["id"]);
    }

    [Fact]
    public async Task Well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);

        var kept = await mcp.PostAsync(ToolsList, headers: new Dictionary<string, string> { ["X-Request-Id"] = "trace-123.abc" });
        var replaced = await mcp.PostAsync(ToolsList, headers: new Dictionary<string, string> { ["X-Request-Id"] = "bad id with spaces" });

        Assert.Equal("trace-123.abc", kept.RequestId);
        Assert.NotEqual("bad id with spaces", replaced.RequestId);
        Assert.Matches("^[0-9a-f]{24}$", replaced.RequestId!);
    }

    [Fact]
    public async Task Unknown_path_is_json_not_html()
    {
        using var client = fixture.Server.CreateClient();
        using var response = await client.GetAsync("/no/such/page");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (string?)body["error"]);
        Assert.NotNull((string?)body["requestId"]);
    }
}
