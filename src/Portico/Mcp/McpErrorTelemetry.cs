using System.Diagnostics;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Telemetry;

namespace Portico.Mcp;

/// <summary>
/// The SDK answers some requests with a JSON-RPC error itself (an unknown method, a handler's protocol error) inside a
/// 200 response: this outgoing filter gives such an answer its <c>error.type</c> on the message's span and duration,
/// as the conventions ask, whichever handler produced it.
/// </summary>
internal static class McpErrorTelemetry
{
    public static McpMessageFilter Filter { get; } = next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcError { Error: { } error })
        {
            if (McpOperation.Current is { ErrorType: null } operation)
            {
                operation.ErrorType = error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (Activity.Current is { } span && span.GetTagItem(McpSpans.ErrorType) is null && span.Source == PorticoTelemetry.Source)
            {
                McpSpans.RecordProtocolError(span, error.Code, error.Message);
            }
        }

        await next(context, cancellationToken);
    };
}
