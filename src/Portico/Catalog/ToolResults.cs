using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>The one way native tools answer with data: a readable text plus the same data as <c>structuredContent</c>.</summary>
internal static class ToolResults
{
    public static CallToolResult Structured(string text, JsonObject structured, bool isError = false) => new()
    {
        IsError = isError ? true : null,
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = JsonSerializer.SerializeToElement(structured, McpJson.Options.GetTypeInfo(typeof(JsonObject))),
    };
}
