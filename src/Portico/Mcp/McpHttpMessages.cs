using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.Protocol;
using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>The HTTP side of Streamable HTTP: content negotiation, SSE and 202 answers, version errors.</summary>
internal static class McpHttpMessages
{
    /// <summary>Per-request-metadata revisions map request-level protocol errors onto HTTP statuses.</summary>
    public static int? StatusForStatelessError(int code) => code switch
    {
        JsonRpcErrorCodes.ParseError or JsonRpcErrorCodes.InvalidRequest => StatusCodes.Status400BadRequest,
        JsonRpcErrorCodes.HeaderMismatch or JsonRpcErrorCodes.MissingRequiredClientCapability or JsonRpcErrorCodes.UnsupportedProtocolVersion => StatusCodes.Status400BadRequest,
        JsonRpcErrorCodes.MethodNotFound => StatusCodes.Status404NotFound,
        _ => null,
    };

    public static bool DeclaresStatelessRevision(JsonRpcMessage message)
        => DeclaredVersion(message) is { } version && McpProtocol.IsStateless(version);

    /// <summary>The version a request names in <c>_meta</c> (per-request-metadata revisions do), if any.</summary>
    public static string? DeclaredVersion(JsonRpcMessage message)
        => message is JsonRpcRequest { Params: System.Text.Json.Nodes.JsonObject parameters }
            && parameters["_meta"] is System.Text.Json.Nodes.JsonObject meta
            && meta["io.modelcontextprotocol/protocolVersion"] is System.Text.Json.Nodes.JsonValue value
            && value.TryGetValue<string>(out var version)
                ? version
                : null;

    /// <summary>
    /// A version this server does not serve. A request that negotiates per request (server/discover, or a version in
    /// <c>_meta</c>) gets UnsupportedProtocolVersion with the versions it can pick from the same way, as
    /// server/discover lists them; a session client gets the full list, the handshake versions included.
    /// </summary>
    public static Task UnsupportedVersionAsync(HttpContext context, string version, JsonRpcMessage message, object? id)
    {
        var perRequest = message is JsonRpcRequest { Method: RequestMethods.ServerDiscover } || DeclaredVersion(message) is not null;
        var supported = perRequest ? McpProtocol.SupportedVersions.Where(McpProtocol.IsStateless).ToArray() : McpProtocol.SupportedVersions;
        return JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, perRequest ? JsonRpcErrorCodes.UnsupportedProtocolVersion : JsonRpcErrorCodes.InvalidRequest,
            $"Bad Request: unsupported MCP-Protocol-Version '{LogValue.Safe(version)}'. Supported: {string.Join(", ", supported)}.",
            perRequest ? "Retry with one of the supported versions, in the header and in _meta alike." : "Send one of the supported versions, normally the one negotiated by initialize.",
            json =>
            {
                json.WriteStartArray("supported");
                foreach (var each in supported)
                {
                    json.WriteStringValue(each);
                }

                json.WriteEndArray();
                json.WriteString("requested", version);
            }, id);
    }

    public static void StartEventStream(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache, no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>An SSE field-only block that sets the client's reconnection delay (no event is dispatched).</summary>
    public static byte[] ReconnectHint(TimeSpan interval)
        => System.Text.Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"retry: {(long)interval.TotalMilliseconds}\n\n"));

    public static void Accepted(HttpContext context)
    {
        context.Response.Headers.ContentType = default;
        context.Response.Headers.CacheControl = default;
        context.Response.Headers.Remove("X-Accel-Buffering");
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    /// <summary>A GET that names <c>text/event-stream</c> opens or resumes a stream; any other GET asks for the public metadata (curl's <c>*/*</c> included).</summary>
    public static bool AsksForEventStream(HttpRequest request) => request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);

    public static bool AcceptsBoth(HttpRequest request) => Accepts(request, "application/json") && Accepts(request, "text/event-stream");

    public static bool Accepts(HttpRequest request, string mediaType)
    {
        var accept = request.GetTypedHeaders().Accept;
        foreach (var value in accept)
        {
            if (value.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) || value.MatchesAllTypes ||
                (value.MatchesAllSubTypes && mediaType.StartsWith(value.Type.Value + "/", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsJsonContent(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
