using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Tools.Records;

/// <summary>How records tools answer: a short text for people and models, the records as <c>structuredContent</c>.</summary>
internal static class RecordResults
{
    private const int PreviewLength = 120;

    public static CallToolResult Success(string text, JsonObject structured) => ToolResults.Structured(text, structured);

    public static JsonObject ToJson(StoredEntity record) => new()
    {
        ["id"] = record.Id,
        ["tenantId"] = record.TenantId,
        ["collection"] = record.Model,
        ["data"] = JsonNode.Parse(record.Data),
        ["version"] = record.Version,
        ["createdBy"] = record.CreatedBy,
        ["createdAt"] = Timestamp(record.CreatedAt),
        ["updatedAt"] = Timestamp(record.UpdatedAt),
    };

    public static JsonArray ToJson(IEnumerable<StoredEntity> records) => [.. records.Select(r => (JsonNode)ToJson(r))];

    /// <summary>One line per record: id, collection, version and the start of its data.</summary>
    public static string Line(StoredEntity record)
        => string.Create(CultureInfo.InvariantCulture, $"- {record.Id} [{record.Model}] v{record.Version}: {Preview(record.Data)}");

    /// <summary>
    /// The same answer whether the id exists in another tenant or nowhere, so the answer does not
    /// reveal other tenants' ids.
    /// </summary>
    public static CallToolResult NotFound(ToolInvocation invocation, TenantEntities records, string id)
        => ToolError.Result("NOT_FOUND", $"No record '{id}' in group '{records.TenantId}'.",
            "Check the id with list-records, and the group this call uses with get-session-context (pass tenantId to act on another of your groups).",
            invocation.Call.RequestId, new JsonObject { ["id"] = id, ["tenantId"] = records.TenantId });

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Preview(string data) => data.Length <= PreviewLength ? data : string.Concat(data.AsSpan(0, PreviewLength), "…");
}
