using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// The entity tools: typed entities of the tenant's models. Each handler is static and gets <see cref="TenantEntities"/>
/// for the call's tenant, like the record tools, which work on the same rows.
/// </summary>
internal static class EntityTools
{
    public static async ValueTask<CallToolResult> CreateAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (ModelArguments.Id(invocation, "modelId", out var modelId) is { } invalid)
        {
            return invalid;
        }

        if (EntityArguments.Attributes(invocation, invocation.Arguments, "attributes", out var attributes) is { } invalidAttributes)
        {
            return invalidAttributes;
        }

        if (RecordArguments.IdempotencyKey(invocation, out var key) is { } invalidKey)
        {
            return invalidKey;
        }

        if (Publication.Schedule(invocation, invocation.Arguments, "", out var schedule, out var scheduled) is { } invalidSchedule)
        {
            return invalidSchedule;
        }

        var check = new EntitySchemaCheck(entities.Models);
        var model = modelId.ToString();
        if (!await check.IsModelAsync(model, cancellationToken))
        {
            return ModelResults.NotFound(invocation, entities.TenantId, modelId);
        }

        if (await check.CheckAsync(invocation, model, attributes, "attributes", cancellationToken) is { } mismatch)
        {
            return mismatch;
        }

        var publishable = await check.IsPublishableAsync(model, cancellationToken);
        if (scheduled && !publishable)
        {
            return Publication.NotPublishable(invocation, invocation.Arguments.TryGetProperty("publishAt", out _) ? "publishAt" : "unpublishAt", model);
        }

        var (entity, duplicate) = await entities.CreateAsync(new NewEntity(model, attributes.GetRawText(), schedule.PublishAt, schedule.UnpublishAt), invocation.Call.Principal.Id, key, cancellationToken);
        var text = duplicate
            ? $"Idempotency key '{key}' was used before: this is the entity it created ({entity.Id}, {entity.Model}, version {entity.Version}). Nothing new was stored."
            : $"Created entity {entity.Id} of {entity.Model} (version 1).";
        return ToolResults.Structured(text, new JsonObject { ["entity"] = EntityResults.ToJson(entity, publishable ? entities.Now() : null), ["duplicate"] = duplicate });
    }

    public static async ValueTask<CallToolResult> GetAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Id(invocation, invocation.Arguments, "id", "id", out var id) is { } invalid)
        {
            return invalid;
        }

        if (await entities.GetAsync(id, cancellationToken) is not { } entity)
        {
            return EntityResults.NotFound(invocation, entities.TenantId, id);
        }

        // Published is computed now, from the dates and the clock: nothing has to have run for it to be on time.
        DateTimeOffset? asOf = await new EntitySchemaCheck(entities.Models).IsPublishableAsync(entity.Model, cancellationToken) ? entities.Now() : null;
        var state = asOf is { } now
            ? Publication.IsPublished(new PublishSchedule(entity.PublishAt, entity.UnpublishAt), now) ? " (published)" : " (not published)"
            : "";
        return ToolResults.Structured(
            string.Create(CultureInfo.InvariantCulture, $"Entity {entity.Id} of {entity.Model}, version {entity.Version}{state}, updated {RecordResults.Timestamp(entity.UpdatedAt)}:\n{entity.Data}"),
            new JsonObject { ["entity"] = EntityResults.ToJson(entity, asOf) });
    }

    public static async ValueTask<CallToolResult> UpdateAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Id(invocation, invocation.Arguments, "id", "id", out var id) is { } invalid)
        {
            return invalid;
        }

        if (EntityArguments.Attributes(invocation, invocation.Arguments, "attributes", out var attributes) is { } invalidAttributes)
        {
            return invalidAttributes;
        }

        if (EntityArguments.ExpectedVersion(invocation, invocation.Arguments, "expected_version", out var expectedVersion) is { } invalidVersion)
        {
            return invalidVersion;
        }

        if (await entities.GetAsync(id, cancellationToken) is not { } current)
        {
            return EntityResults.NotFound(invocation, entities.TenantId, id);
        }

        // An entity never changes model, so its schema is the same whichever version the update lands on.
        if (await new EntitySchemaCheck(entities.Models).CheckAsync(invocation, current.Model, attributes, "attributes", cancellationToken) is { } mismatch)
        {
            return mismatch;
        }

        var update = await entities.UpdateAsync(id, attributes.GetRawText(), expectedVersion, cancellationToken);
        return update.Outcome switch
        {
            EntityUpdateOutcome.NotFound => EntityResults.NotFound(invocation, entities.TenantId, id),
            EntityUpdateOutcome.Conflict => EntityResults.Conflict(invocation, update.Record!, expectedVersion),
            _ => ToolResults.Structured(string.Create(CultureInfo.InvariantCulture, $"Updated entity {id} of {update.Record!.Model} to version {update.Record.Version}."),
                new JsonObject { ["entity"] = EntityResults.ToJson(update.Record) }),
        };
    }

    public static async ValueTask<CallToolResult> DeleteAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Id(invocation, invocation.Arguments, "id", "id", out var id) is { } invalid)
        {
            return invalid;
        }

        if (RecordArguments.Confirm(invocation, out var confirmed) is { } invalidConfirm)
        {
            return invalidConfirm;
        }

        // Checked before the store is touched: the refusal says nothing about whether the entity exists.
        if (!confirmed)
        {
            return ToolError.Result("CONFIRMATION_REQUIRED", $"Refusing to delete '{id}' without confirm=true.",
                "Deleting an entity cannot be undone. If that is what the user wants, call delete_entity again with confirm: true.", invocation.Call.RequestId);
        }

        if (await entities.DeleteAsync(id, cancellationToken) is not { } deleted)
        {
            return EntityResults.NotFound(invocation, entities.TenantId, id);
        }

        return ToolResults.Structured($"Deleted entity {deleted.Id} of {deleted.Model}.", new JsonObject { ["deleted"] = true, ["entity"] = EntityResults.ToJson(deleted) });
    }

    public static async ValueTask<CallToolResult> BulkCreateAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Items(invocation, "{\"modelId\": \"Basic.Contact-1\", \"attributes\": {…}}", out var items) is { } invalidItems)
        {
            return invalidItems;
        }

        var check = new EntitySchemaCheck(entities.Models);
        var batch = new List<NewEntity>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{index++}]");
            if (ItemModel(invocation, item, $"{path}.modelId", out var modelId) is { } invalidModel)
            {
                return invalidModel;
            }

            if (EntityArguments.Attributes(invocation, item, $"{path}.attributes", out var attributes) is { } invalidAttributes)
            {
                return invalidAttributes;
            }

            var model = modelId.ToString();
            if (!await check.IsModelAsync(model, cancellationToken))
            {
                return ModelResults.NotFound(invocation, entities.TenantId, modelId);
            }

            if (await check.CheckAsync(invocation, model, attributes, $"{path}.attributes", cancellationToken) is { } mismatch)
            {
                return mismatch;
            }

            batch.Add(new NewEntity(model, attributes.GetRawText()));
        }

        var created = await entities.CreateManyAsync(batch, invocation.Call.Principal.Id, cancellationToken);
        return ToolResults.Structured(Summary($"Created {created.Count} entities in group '{entities.TenantId}'", created),
            new JsonObject { ["tenantId"] = entities.TenantId, ["entities"] = EntityResults.ToJson(created) });
    }

    public static async ValueTask<CallToolResult> BulkUpdateAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Items(invocation, "{\"id\": \"507f1f77bcf86cd799439011\", \"attributes\": {…}, \"expected_version\": 2}", out var items) is { } invalidItems)
        {
            return invalidItems;
        }

        var updates = new List<(string Id, string Data, int? ExpectedVersion)>(items.GetArrayLength());
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{index++}]");
            if (EntityArguments.Id(invocation, item, "id", $"{path}.id", out var id) is { } invalidId)
            {
                return invalidId;
            }

            if (!ids.Add(id))
            {
                return RecordArguments.Invalid(invocation, $"{path}.id", "an id not listed before in this batch", $"string \"{id}\" again", "Update each entity once per call: merge its changes into one item.");
            }

            if (EntityArguments.Attributes(invocation, item, $"{path}.attributes", out var attributes) is { } invalidAttributes)
            {
                return invalidAttributes;
            }

            if (EntityArguments.ExpectedVersion(invocation, item, $"{path}.expected_version", out var expectedVersion) is { } invalidVersion)
            {
                return invalidVersion;
            }

            updates.Add((id, attributes.GetRawText(), expectedVersion));
        }

        // The schemas are checked against each entity's model before anything is written.
        var check = new EntitySchemaCheck(entities.Models);
        for (var i = 0; i < updates.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{i}]");
            if (await entities.GetAsync(updates[i].Id, cancellationToken) is not { } current)
            {
                return EntityResults.NotFound(invocation, entities.TenantId, updates[i].Id, $"{path}.id");
            }

            using var attributes = JsonDocument.Parse(updates[i].Data);
            if (await check.CheckAsync(invocation, current.Model, attributes.RootElement, $"{path}.attributes", cancellationToken) is { } mismatch)
            {
                return mismatch;
            }
        }

        var (updated, failedAt, failure) = await entities.UpdateManyAsync(updates, cancellationToken);
        if (failure is not null)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{failedAt}].id");
            return failure.Outcome == EntityUpdateOutcome.NotFound
                ? EntityResults.NotFound(invocation, entities.TenantId, updates[failedAt].Id, path)
                : EntityResults.Conflict(invocation, failure.Record!, updates[failedAt].ExpectedVersion, path);
        }

        return ToolResults.Structured(Summary($"Updated {updated.Count} entities in group '{entities.TenantId}'", updated),
            new JsonObject { ["tenantId"] = entities.TenantId, ["entities"] = EntityResults.ToJson(updated) });
    }

    /// <summary>
    /// bulk_update_publish_dates: sets the schedule (publishAt and unpublishAt; null or absent: none) of up to 1000
    /// entities of publishable models, all or none. Each change is an update (version + 1), so expected_version works as
    /// in bulk_update_entities.
    /// </summary>
    public static async ValueTask<CallToolResult> BulkUpdatePublishDatesAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (EntityArguments.Items(invocation, "{\"id\": \"507f1f77bcf86cd799439011\", \"publishAt\": \"2026-03-01T10:00:00Z\", \"unpublishAt\": null}", out var items) is { } invalidItems)
        {
            return invalidItems;
        }

        var changes = new List<(string Id, PublishSchedule Schedule, int? ExpectedVersion)>(items.GetArrayLength());
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{index++}]");
            if (EntityArguments.Id(invocation, item, "id", $"{path}.id", out var id) is { } invalidId)
            {
                return invalidId;
            }

            if (!ids.Add(id))
            {
                return RecordArguments.Invalid(invocation, $"{path}.id", "an id not listed before in this batch", $"string \"{id}\" again", "Schedule each entity once per call.");
            }

            if (!item.TryGetProperty("publishAt", out _))
            {
                return RecordArguments.Invalid(invocation, $"{path}.publishAt", "a timestamp, or null to make the entity a draft", "missing", Publication.TimestampHint);
            }

            if (Publication.Schedule(invocation, item, $"{path}.", out var schedule, out _) is { } invalidSchedule)
            {
                return invalidSchedule;
            }

            if (EntityArguments.ExpectedVersion(invocation, item, $"{path}.expected_version", out var expectedVersion) is { } invalidVersion)
            {
                return invalidVersion;
            }

            changes.Add((id, schedule, expectedVersion));
        }

        // Every entity must exist and be of a publishable model before anything is written.
        var check = new EntitySchemaCheck(entities.Models);
        for (var i = 0; i < changes.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{i}]");
            if (await entities.GetAsync(changes[i].Id, cancellationToken) is not { } current)
            {
                return EntityResults.NotFound(invocation, entities.TenantId, changes[i].Id, $"{path}.id");
            }

            if (!await check.IsPublishableAsync(current.Model, cancellationToken))
            {
                return Publication.NotPublishable(invocation, $"{path}.publishAt", current.Model);
            }
        }

        var (updated, failedAt, failure) = await entities.ScheduleManyAsync(changes, cancellationToken);
        if (failure is not null)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{failedAt}].id");
            return failure.Outcome == EntityUpdateOutcome.NotFound
                ? EntityResults.NotFound(invocation, entities.TenantId, changes[failedAt].Id, path)
                : EntityResults.Conflict(invocation, failure.Record!, changes[failedAt].ExpectedVersion, path);
        }

        var now = entities.Now();
        var published = updated.Count(e => Publication.IsPublished(new PublishSchedule(e.PublishAt, e.UnpublishAt), now));
        return ToolResults.Structured(
            Summary(string.Create(CultureInfo.InvariantCulture, $"Scheduled {updated.Count} entities in group '{entities.TenantId}' ({published} published now)"), updated),
            new JsonObject { ["tenantId"] = entities.TenantId, ["entities"] = new JsonArray([.. updated.Select(e => (JsonNode)EntityResults.ToJson(e, now))]) });
    }

    private static CallToolResult? ItemModel(ToolInvocation invocation, JsonElement item, string path, out ModelId modelId)
    {
        modelId = default;
        var present = item.TryGetProperty("modelId", out var value);
        if (!present || value.ValueKind != JsonValueKind.String)
        {
            return RecordArguments.Invalid(invocation, path, "a model id, Name-Version (e.g. \"Basic.Contact-1\")", RecordArguments.Describe(value, present),
                "Give each item the modelId of its model, as list_models shows it.");
        }

        if (!ModelId.TryParse(value.GetString(), out modelId, out var problem))
        {
            return ToolError.Result("VALIDATION_FAILED", $"Invalid CkTypeId '{value.GetString()}' at '{path}': {problem}.",
                "A model id is Name-Version with a whole-number version: \"MyType-1\" is valid, \"MyType-1.0.0\" is not.",
                invocation.Call.RequestId,
                new JsonObject { ["path"] = path, ["expected"] = "Name-Version, e.g. \"MyType-1\"", ["received"] = RecordArguments.Describe(value, present: true) });
        }

        return null;
    }

    private static string Summary(string head, IReadOnlyList<StoredEntity> entities)
    {
        const int Shown = 20;
        var text = new StringBuilder(head).Append(':');
        foreach (var entity in entities.Take(Shown))
        {
            text.Append('\n').Append(EntityResults.Line(entity));
        }

        if (entities.Count > Shown)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"\n… and {entities.Count - Shown} more (all are in structuredContent)."));
        }

        return text.ToString();
    }
}
