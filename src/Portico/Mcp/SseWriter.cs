using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Mcp;

/// <summary>Writes replayed MCP events in the same SSE framing the SDK uses on live streams.</summary>
internal static class SseWriter
{
    public static async Task WriteAsync(Stream body, IAsyncEnumerable<SseItem<JsonRpcMessage?>> items, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            Format(buffer, item);
            await body.WriteAsync(buffer.WrittenMemory, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }
    }

    private static void Format(ArrayBufferWriter<byte> buffer, SseItem<JsonRpcMessage?> item)
    {
        Append(buffer, "event: ");
        Append(buffer, item.EventType);
        Append(buffer, "\ndata: ");
        if (item.Data is not null)
        {
            using var json = new Utf8JsonWriter(buffer);
            JsonSerializer.Serialize(json, item.Data, McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage)));
        }

        Append(buffer, "\n");
        if (item.EventId is not null)
        {
            Append(buffer, "id: ");
            Append(buffer, item.EventId);
            Append(buffer, "\n");
        }

        Append(buffer, "\n");
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        buffer.Advance(System.Text.Encoding.UTF8.GetBytes(text, span));
    }
}
