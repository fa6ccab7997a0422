using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records;

/// <summary>An MCP session of one credential (on <c>/mcp</c> or <c>/{tenantId}/mcp</c>) that calls records tools and reads their results.</summary>
internal sealed class RecordsClient : IDisposable
{
    private readonly HttpClient _http;
    private int _nextId = 10;

    private RecordsClient(HttpClient http, McpHttp mcp, string sessionId)
    {
        _http = http;
        Mcp = mcp;
        SessionId = sessionId;
    }

    public McpHttp Mcp { get; }

    public string SessionId { get; }

    /// <param name="apiKey">The key to call with; "" for the server's default key (owner of <see cref="PorticoTestServer.TenantId"/>).</param>
    public static async Task<RecordsClient> ConnectAsync(PorticoTestServer server, string apiKey = "", string path = "/mcp")
    {
        var http = server.CreateClient(apiKey);
        var mcp = new McpHttp(http, path);
        return new RecordsClient(http, mcp, await mcp.InitializeAsync());
    }

    /// <summary>The <c>result</c> of a <c>tools/call</c> (a tool result, successful or not).</summary>
    public async Task<JsonObject> CallAsync(string tool, JsonObject? arguments = null)
    {
        var response = await Mcp.CallToolAsync(SessionId, tool, arguments, Interlocked.Increment(ref _nextId));
        return response.Final["result"] as JsonObject
            ?? throw new InvalidOperationException($"{tool} answered without a result: {(int)response.Status} {response.Body}");
    }

    public async Task<IReadOnlyList<string>> ToolNamesAsync()
    {
        var response = await Mcp.PostAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _nextId), ["method"] = "tools/list" }.ToJsonString(), SessionId);
        return [.. response.Final["result"]!["tools"]!.AsArray().Select(t => (string)t!["name"]!)];
    }

    /// <summary>Asserts the call succeeded and returns its <c>structuredContent</c>.</summary>
    public static JsonObject Ok(JsonObject result)
    {
        Assert.True(result["isError"] is null || !(bool)result["isError"]!, $"Expected success, got: {result.ToJsonString()}");
        return result["structuredContent"]!.AsObject();
    }

    /// <summary>Asserts the call failed with <paramref name="code"/> and returns <c>structuredContent.error</c>.</summary>
    public static JsonObject Error(JsonObject result, string code)
    {
        Assert.True(result["isError"] is not null && (bool)result["isError"]!, $"Expected {code}, got: {result.ToJsonString()}");
        var error = result["structuredContent"]!["error"]!.AsObject();
        Assert.Equal(code, (string?)error["code"]);
        return error;
    }

    public static string Text(JsonObject result) => (string)result["content"]![0]!["text"]!;

    public void Dispose() => _http.Dispose();
}
