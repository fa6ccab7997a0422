using System.Text;
using System.Text.Json.Nodes;

namespace Portico.Tests.TestSupport;

/// <summary>
/// Speaks the 2026-07-28 revision over raw HTTP: no session, context in <c>_meta</c>, and the headers that mirror the
/// body (MCP-Protocol-Version, Mcp-Method, Mcp-Name from params.name, uri or taskId) set as a conforming client sets them unless a test overrides them.
/// </summary>
internal sealed class StatelessMcp(HttpClient client, string path = "/mcp")
{
    public const string Revision = "2026-07-28";

    /// <summary>The JSON-RPC request, with the per-request <c>_meta</c> a 2026-07-28 client sends (unless <paramref name="withMeta"/> is false).</summary>
    public static JsonObject Request(string method, JsonObject? parameters = null, int id = 1, bool withMeta = true)
    {
        parameters ??= [];
        if (withMeta && !parameters.ContainsKey("_meta"))
        {
            parameters["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = Revision,
                ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "portico-tests", ["version"] = "1.0" },
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
            };
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
    }

    public static JsonObject CallTool(string name, JsonObject? arguments = null, int id = 1)
        => Request("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments ?? [] }, id);

    /// <summary>
    /// POSTs <paramref name="message"/>. The standard headers are derived from the body; <paramref name="headers"/> adds
    /// to or replaces them (a null value removes one), each entry sent as its own header line.
    /// </summary>
    public async Task<McpHttpResponse> PostAsync(JsonObject message, IEnumerable<KeyValuePair<string, string?>>? headers = null, CancellationToken cancellationToken = default)
    {
        var standard = StandardHeaders(message);
        var overrides = headers?.ToList() ?? [];
        var overridden = overrides.Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        foreach (var (header, value) in standard.Where(h => !overridden.Contains(h.Key)).Concat(overrides))
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }
        }

        using var response = await client.SendAsync(request, cancellationToken);
        return await McpHttpResponse.ReadAsync(response);
    }

    /// <summary>The headers a conforming 2026-07-28 client derives from the body: MCP-Protocol-Version, Mcp-Method and Mcp-Name (params.name, uri or taskId).</summary>
    public static List<KeyValuePair<string, string?>> StandardHeaders(JsonObject message)
    {
        var standard = new List<KeyValuePair<string, string?>> { new("MCP-Protocol-Version", Revision), new("Mcp-Method", (string?)message["method"]) };
        var named = (string?)message["method"] switch
        {
            "tools/call" or "prompts/get" => "name",
            "resources/read" => "uri",
            "tasks/get" or "tasks/update" or "tasks/cancel" => "taskId",
            _ => null,
        };
        if (named is not null && message["params"]?[named] is JsonValue name && name.TryGetValue<string>(out var text))
        {
            standard.Add(new("Mcp-Name", text));
        }

        return standard;
    }

    /// <summary>POSTs a 2026-07-28 <paramref name="body"/> through <paramref name="mcp"/> with the headers <see cref="StandardHeaders"/> derives from it.</summary>
    public static Task<McpHttpResponse> PostAsync(McpHttp mcp, string body)
        => mcp.PostAsync(body, headers: StandardHeaders(JsonNode.Parse(body)!.AsObject()).Where(h => h.Value is not null).ToDictionary(h => h.Key, h => h.Value!));
}
