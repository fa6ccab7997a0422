using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Diagnostics;

/// <summary>Tools a client uses to check its connection: always on, no scope needed.</summary>
internal sealed class DiagnosticsPack(TimeProvider time) : IMcpPack
{
    private static readonly JsonElement PingSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "message": { "type": "string", "description": "Echoed back unchanged.", "maxLength": 1024 }
          },
          "additionalProperties": false
        }
        """).RootElement;

    public string Name => "diagnostics";

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(
            new Tool
            {
                Name = "ping",
                Title = "Ping",
                Description = "Checks that Portico answers: returns 'pong' (or your message) with the server time and your session id.",
                InputSchema = PingSchema,
                Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
            },
            PingAsync);
    }

    private ValueTask<CallToolResult> PingAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var message = invocation.GetString("message") ?? "pong";
        var structured = new Dictionary<string, string?>
        {
            ["message"] = message,
            ["serverTime"] = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["sessionId"] = invocation.Call.SessionId,
        };
        return ValueTask.FromResult(new CallToolResult
        {
            Content = [new TextContentBlock { Text = message }],
            StructuredContent = JsonSerializer.SerializeToElement(structured, McpJson.Options.GetTypeInfo(typeof(Dictionary<string, string?>))),
        });
    }
}
