using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>
/// What the 2026-07-28 revision asks of the HTTP layer before a request is served, with the statuses it gives:
/// the headers that mirror the body (400, -32020 HeaderMismatch), the per-request <c>_meta</c> a request carries
/// instead of a session (400, -32602), and the methods the revision removed (404, -32601). The SDK checks some of
/// this itself but answers inside a 200 stream; here the client gets the status the specification gives, and a
/// hint. Requests of earlier revisions (sessions) carry none of these headers and are not checked.
/// </summary>
internal static class StatelessRequestCheck
{
    private const string ProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
    private const string ClientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";

#pragma warning disable MCP9005 // logging/setLevel is deprecated; named here only to refuse it on the revision that removed it.
    /// <summary>Methods the revision removed, each with what replaces it.</summary>
    private static readonly Dictionary<string, string> Removed = new(StringComparer.Ordinal)
    {
        [RequestMethods.Initialize] = "There is no handshake in this revision: call server/discover for capabilities and send _meta with every request.",
        [RequestMethods.Ping] = "There is no session to keep alive in this revision; any request (e.g. server/discover) shows the server answers.",
        [RequestMethods.LoggingSetLevel] = $"Set _meta['io.modelcontextprotocol/logLevel'] on each request that should receive log messages.",
        [RequestMethods.ResourcesSubscribe] = "Open subscriptions/listen with notifications.resourceSubscriptions listing the URIs.",
        [RequestMethods.ResourcesUnsubscribe] = "End (cancel) the subscriptions/listen request that subscribed.",
    };
#pragma warning restore MCP9005

    /// <summary>Whether <paramref name="message"/> is a request of the per-request-metadata revision (by its header, or without one by its body).</summary>
    public static bool Applies(string protocolVersion, JsonRpcMessage message)
        => McpProtocol.IsStateless(protocolVersion)
            || (protocolVersion.Length == 0 && (message is JsonRpcRequest { Method: RequestMethods.ServerDiscover } || McpHttpMessages.DeclaresStatelessRevision(message)));

    public static McpRequestRefusal? Find(HttpRequest request, JsonRpcMessage message, string protocolVersion, McpCatalog catalog)
    {
        var (method, parameters) = message switch
        {
            JsonRpcRequest r => (r.Method, r.Params),
            JsonRpcNotification n => (n.Method, n.Params),
            _ => (null, null), // a response mirrors nothing
        };
        if (method is null)
        {
            return null;
        }

        if (protocolVersion.Length == 0)
        {
            return McpStandardHeaders.Mismatch(
                $"Header mismatch: the MCP-Protocol-Version header is missing, but the request is of protocol version {McpProtocol.StatelessRevision} (its _meta or method says so).",
                $"Send 'MCP-Protocol-Version: {McpProtocol.StatelessRevision}' (the value of _meta['{ProtocolVersionKey}']) with every request.");
        }

        if (McpStandardHeaders.Check(request.Headers, method, parameters) is { } standard)
        {
            return standard;
        }

        if (method == RequestMethods.ToolsCall && parameters is JsonObject call
            && call["name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var name)
            && CallTools.TryFind(catalog, request.RouteValues["vendor"] as string, request.HttpContext.Features.Get<ToolsetView>(), name, out var found)
            && (request.RouteValues["vendor"] is null ? found.Tool : found.UpstreamTool) is { } tool
            && McpParamHeaders.Check(request.Headers, tool, call["arguments"]) is { } custom)
        {
            return custom;
        }

        if (message is JsonRpcRequest && MissingMeta(parameters) is { } missing)
        {
            return new McpRequestRefusal(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: requests of protocol version {protocolVersion} carry their context in params._meta, and {missing}.",
                $"Send params._meta with '{ProtocolVersionKey}' (\"{protocolVersion}\") and '{ClientCapabilitiesKey}' (an object, {{}} when the client has none); 'io.modelcontextprotocol/clientInfo' is recommended.");
        }

        return Removed.TryGetValue(method, out var instead)
            ? new McpRequestRefusal(StatusCodes.Status404NotFound, JsonRpcErrorCodes.MethodNotFound,
                $"Method not found: '{method}' does not exist in protocol version {protocolVersion}.", instead)
            : null;
    }

    private static string? MissingMeta(JsonNode? parameters)
    {
        if (parameters is not JsonObject { } parameterObject || parameterObject["_meta"] is not JsonObject meta)
        {
            return "params._meta is missing";
        }

        if (meta[ProtocolVersionKey] is not JsonValue version || !version.TryGetValue<string>(out _))
        {
            return $"_meta['{ProtocolVersionKey}'] is missing or not a string";
        }

        return meta[ClientCapabilitiesKey] is JsonObject ? null : $"_meta['{ClientCapabilitiesKey}'] is missing or not an object";
    }
}
