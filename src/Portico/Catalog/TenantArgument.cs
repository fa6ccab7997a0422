using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>The optional <c>tenantId</c> argument the pipeline reads, added to the schema of every tool that acts on a tenant's data.</summary>
internal static class TenantArgument
{
    /// <summary>Every tenant tool takes the optional <c>tenantId</c> the pipeline reads; the pack's schema leaves it out.</summary>
    public static Tool AddTo(Tool tool)
    {
        var schema = JsonNode.Parse(tool.InputSchema.GetRawText())!.AsObject();
        var properties = schema["properties"] as JsonObject ?? (JsonObject)(schema["properties"] = new JsonObject());
        properties["tenantId"] ??= new JsonObject
        {
            ["type"] = "string",
            ["description"] = "The group (tenant) to act on, from get-session-context.groups[].groupId. Defaults to the active group.",
        };
        tool.InputSchema = JsonSerializer.SerializeToElement(schema, McpJson.Options.GetTypeInfo(typeof(JsonObject)));
        return tool;
    }
}
