using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary>
/// A small MCP server over Streamable HTTP (JSON answers) for the doctor's fault cases that a real Portico never shows:
/// by default an open server with a session, the tools in <see cref="Tools"/> and nothing else; a test replaces the
/// answer of a JSON-RPC method (<see cref="Methods"/>) or of a whole path (<see cref="Routes"/>).
/// </summary>
internal sealed class DoctorFakeServer
{
    public const string SessionId = "fake-session-1";

    /// <summary>Tools by name and the structured result of calling them (a result with "isError": true is a failed call).</summary>
    public Dictionary<string, JsonObject> Tools { get; } = [];

    /// <summary>JSON-RPC methods by name: the params in, the full JSON-RPC answer (result or error) out, id added.</summary>
    public Dictionary<string, Func<JsonNode?, JsonObject>> Methods { get; } = [];

    /// <summary>Paths answered entirely by the test (any method), ahead of the MCP endpoint at /mcp.</summary>
    public Dictionary<string, Func<HttpContext, Task>> Routes { get; } = [];

    /// <summary>The JSON-RPC methods received in order ("tools/call NAME" for calls).</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public static JsonObject Result(JsonNode result) => new() { ["result"] = result };

    public static JsonObject Error(int code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public static Func<HttpContext, Task> Json(int status, string json) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    };

    public Task<FakeHttpHost> StartAsync() => FakeHttpHost.StartAsync(async context =>
    {
        if (Routes.TryGetValue(context.Request.Path.Value ?? "/", out var route))
        {
            await route(context);
            return;
        }

        if (context.Request.Path != "/mcp" || context.Request.Method != "POST")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var method = (string?)request?["method"] ?? "";
        var id = request?["id"]?.DeepClone();
        Received.Enqueue(method == "tools/call" ? $"{method} {(string?)request?["params"]?["name"]}" : method);
        if (id is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var answer = Methods.TryGetValue(method, out var handler) ? handler(request?["params"]) : Default(method, request?["params"]);
        answer["jsonrpc"] = "2.0";
        answer["id"] = id;
        if (method == "initialize")
        {
            context.Response.Headers["Mcp-Session-Id"] = SessionId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    });

    private JsonObject Default(string method, JsonNode? parameters) => method switch
    {
        "initialize" => Result(new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
            ["serverInfo"] = new JsonObject { ["name"] = "fake", ["version"] = "1" },
        }),
        "tools/list" => Result(new JsonObject
        {
            ["tools"] = new JsonArray([.. Tools.Keys.Select(name => (JsonNode)new JsonObject { ["name"] = name, ["inputSchema"] = new JsonObject { ["type"] = "object" } })]),
        }),
        "tools/call" when Tools.TryGetValue((string?)parameters?["name"] ?? "", out var structured) => Result(new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = structured.ToJsonString() }),
            ["structuredContent"] = structured.DeepClone(),
            ["isError"] = structured["isError"]?.DeepClone() ?? false,
        }),
        "tools/call" => Error(-32602, $"Unknown tool: {(string?)parameters?["name"]}"),
        "ping" => Result(new JsonObject()),
        _ => Error(-32601, $"Method not found: {method}"),
    };
}
