using System.Globalization;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>How entity tools show an entity (the record tools show the same row as a record, see <see cref="RecordResults"/>).</summary>
internal static class EntityResults
{
    public static JsonObject ToJson(StoredEntity entity) => new()
    {
        ["id"] = entity.Id,
        ["modelId"] = entity.Model,
        ["attributes"] = JsonNode.Parse(entity.Data),
        ["version"] = entity.Version,
        ["tenantId"] = entity.TenantId,
        ["createdBy"] = entity.CreatedBy,
        ["createdAt"] = RecordResults.Timestamp(entity.CreatedAt),
        ["updatedAt"] = RecordResults.Timestamp(entity.UpdatedAt),
    };

    /// <summary>
    /// The entity, and for an entity of a publishable model (<paramref name="publishedAsOf"/> not null) its publishAt,
    /// unpublishAt and whether it is published at that time.
    /// </summary>
    public static JsonObject ToJson(StoredEntity entity, DateTimeOffset? publishedAsOf)
        => ToJson(entity, publishedAsOf is { } now ? Publication.IsPublished(new PublishSchedule(entity.PublishAt, entity.UnpublishAt), now) : null);

    /// <summary>The entity with its schedule and <paramref name="published"/> state, when it has one (publishable models).</summary>
    public static JsonObject ToJson(StoredEntity entity, bool? published)
    {
        var json = ToJson(entity);
        if (published is { } state)
        {
            Publication.AddTo(json, new PublishSchedule(entity.PublishAt, entity.UnpublishAt), state);
        }

        return json;
    }

    public static JsonArray ToJson(IEnumerable<StoredEntity> entities) => [.. entities.Select(e => (JsonNode)ToJson(e))];

    public static string Line(StoredEntity entity) => RecordResults.Line(entity);

    /// <summary>The same answer whether the id exists in another tenant or nowhere.</summary>
    public static CallToolResult NotFound(ToolInvocation invocation, string tenantId, string id, string? path = null)
        => ToolError.Result("NOT_FOUND", $"No entity '{id}' in group '{tenantId}'.",
            "Check the id with query_entities, and the group this call uses with get-session-context (pass tenantId to act on another of your groups).",
            invocation.Call.RequestId, new JsonObject { ["id"] = id, ["tenantId"] = tenantId, ["path"] = path });

    /// <summary>
    /// Another writer changed the entity since the caller read it: the answer carries the entity as it is now and its
    /// version, so the client can rebase its change and retry with <c>expected_version</c> = <c>currentVersion</c>.
    /// </summary>
    public static CallToolResult Conflict(ToolInvocation invocation, StoredEntity current, int? expectedVersion, string? path = null)
        => ToolError.Result("CONFLICT",
            expectedVersion is { } expected
                ? string.Create(CultureInfo.InvariantCulture, $"Entity '{current.Id}' is at version {current.Version}, not the expected version {expected}.")
                : $"Entity '{current.Id}' kept changing while it was being updated.",
            string.Create(CultureInfo.InvariantCulture, $"Another writer changed it: apply your change to details.entity (its current attributes) and call again with expected_version: {current.Version}."),
            invocation.Call.RequestId,
            new JsonObject
            {
                ["isConflict"] = true,
                ["id"] = current.Id,
                ["path"] = path,
                ["expectedVersion"] = expectedVersion,
                ["currentVersion"] = current.Version,
                ["entity"] = ToJson(current),
            });
}
