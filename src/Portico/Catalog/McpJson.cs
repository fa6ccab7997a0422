using System.Text.Json;
using ModelContextProtocol;

namespace Portico.Catalog;

/// <summary>The SDK's serializer options (source-generated, AOT friendly) used for every MCP type.</summary>
internal static class McpJson
{
    public static JsonSerializerOptions Options => McpJsonUtilities.DefaultOptions;
}
