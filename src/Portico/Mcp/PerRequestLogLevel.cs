using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Mcp;

/// <summary>
/// Log messages on a 2026-07-28 request's stream (SEP-2575): the request opts in with
/// <c>_meta['io.modelcontextprotocol/logLevel']</c>, and without it the server MUST NOT send any. Applied to what
/// the request's server sends, so every source is covered: native tools and upstream messages relayed by the gateway.
/// </summary>
#pragma warning disable MCP9005 // Logging is deprecated from 2026-07-28 (SEP-2577) but still carried; this is where it is gated.
internal static class PerRequestLogLevel
{
    private const string LogLevelKey = "io.modelcontextprotocol/logLevel";

    /// <summary>The outgoing filter for the server that answers <paramref name="request"/> alone.</summary>
    public static McpMessageFilter For(JsonRpcMessage request)
    {
        var threshold = Rank(request is JsonRpcRequest { Params: JsonObject parameters } && parameters["_meta"] is JsonObject meta ? meta[LogLevelKey] : null);
        return next => (context, cancellationToken) =>
            context.JsonRpcMessage is JsonRpcNotification { Method: NotificationMethods.LoggingMessageNotification } log
                && (threshold is not { } minimum || !(Rank(log.Params is JsonObject p ? p["level"] : null) is { } level && level >= minimum))
                    ? Task.CompletedTask
                    : next(context, cancellationToken);
    }

    /// <summary>A level's place in RFC 5424 order (debug lowest); null when it is not a level.</summary>
    private static int? Rank(JsonNode? level)
        => level is JsonValue value && value.TryGetValue<string>(out var name) && Array.IndexOf(McpParamsCheck.LoggingLevels, name) is var rank and >= 0 ? rank : null;
}
#pragma warning restore MCP9005
