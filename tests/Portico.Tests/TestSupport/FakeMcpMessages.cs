using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Portico.Tests.TestSupport;

/// <summary>
/// The JSON-RPC pieces the hand-written fake MCP servers on <see cref="FakeHttpHost"/> share (Streamable HTTP, JSON
/// responses): so each fake says only what it does differently.
/// </summary>
internal static class FakeMcpMessages
{
    public const string Path = "/mcp";

    /// <summary>The JSON-RPC message of a POST.</summary>
    public static async Task<JsonObject> ReadAsync(HttpContext context)
        => (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();

    /// <summary>The result of <c>initialize</c>: the client's protocol version, tools (plus <paramref name="capabilities"/>), <paramref name="serverName"/>.</summary>
    public static JsonObject Initialize(JsonObject request, string serverName, JsonObject? capabilities = null)
    {
        capabilities ??= [];
        capabilities["tools"] = new JsonObject();
        return new JsonObject
        {
            ["protocolVersion"] = (string?)request["params"]?["protocolVersion"] ?? McpHttp.LatestSessionVersion,
            ["capabilities"] = capabilities,
            ["serverInfo"] = new JsonObject { ["name"] = serverName, ["version"] = "1.0.0" },
        };
    }

    /// <summary>The result of <c>tools/list</c>.</summary>
    public static JsonObject Tools(params JsonObject[] tools) => new() { ["tools"] = new JsonArray(tools) };

    /// <summary>A read-only tool taking an object with <paramref name="properties"/> (none by default).</summary>
    public static JsonObject Tool(string name, string description, JsonObject? properties = null) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = properties ?? [] },
        ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
    };

    /// <summary>A tool result of one text block.</summary>
    public static JsonObject Text(string text) => new() { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }) };

    /// <summary>The JSON-RPC response to request <paramref name="id"/>.</summary>
    public static JsonObject Response(JsonNode id, JsonNode result) => new() { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result };

    /// <summary>The JSON-RPC response to request <paramref name="id"/>, as a JSON body.</summary>
    public static IResult Json(JsonNode id, JsonNode result) => Results.Text(Response(id, result).ToJsonString(), "application/json");

    /// <summary>What a server without an SSE stream or sessions answers to GET (and DELETE) on its endpoint.</summary>
    public static IResult MethodNotAllowed() => Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
}
