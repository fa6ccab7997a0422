using System.Text.Json;

namespace Portico.Mcp;

/// <summary>What <c>GET /mcp</c> without an event stream answers: public facts about the server, no credentials needed.</summary>
internal static class McpServerMetadata
{
    public static async Task WriteAsync(HttpContext context, string docsUrl)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("name", McpServerFactory.ServerInfo.Name);
        json.WriteString("title", McpServerFactory.ServerInfo.Title);
        json.WriteString("version", McpServerFactory.ServerInfo.Version);
        json.WriteString("transport", "streamable-http");
        json.WriteStartArray("protocolVersions");
        foreach (var version in McpProtocol.SupportedVersions)
        {
            json.WriteStringValue(version);
        }

        json.WriteEndArray();
        json.WriteStartObject("endpoints");
        json.WriteString("mcp", "/mcp");
        json.WriteString("health", "/health");
        json.WriteString("ready", "/health/ready");
        json.WriteEndObject();
        json.WriteString("docs", docsUrl);
        json.WriteString("hint", "POST JSON-RPC messages here with 'Accept: application/json, text/event-stream'; start with 'initialize'.");
        json.WriteEndObject();
    }
}
