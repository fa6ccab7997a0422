using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Records;

/// <summary>
/// The record tools (the first records pack's, kept for their clients on the entities table: a record is an entity whose
/// model is its collection; a collection that names one of the group's models is validated against it). Each handler is static and gets <see cref="TenantEntities"/> for the call's
/// tenant: it has no store, no service provider and no tenant id of its own to reach other data with.
/// </summary>
internal static class RecordTools
{
    private const int TextDataLength = 4000;

    public static async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        if (RecordArguments.Collection(invocation, invocation.Arguments, "collection", "collection", required: false, out var collection) is { } invalid)
        {
            return invalid;
        }

        if (RecordArguments.Integer(invocation, "limit", 1, RecordArguments.MaxPageSize, out var limit) is { } invalidLimit)
        {
            return invalidLimit;
        }

        if (RecordArguments.Cursor(invocation, out var cursor) is { } invalidCursor)
        {
            return invalidCursor;
        }

        var page = await records.ListAsync(collection, limit ?? RecordArguments.DefaultPageSize, cursor, cancellationToken);
        var next = page.Next?.Encode();
        var where = collection is null ? $"group '{records.TenantId}'" : $"collection '{collection}' of group '{records.TenantId}'";
        var text = new StringBuilder(page.Items.Count == 0
            ? $"No records in {where}{(cursor is null ? "" : " after this cursor")}."
            : string.Create(CultureInfo.InvariantCulture, $"{page.Items.Count} record(s) in {where}, newest first:"));
        foreach (var record in page.Items)
        {
            text.Append('\n').Append(RecordResults.Line(record));
        }

        if (next is not null)
        {
            text.Append("\nMore records: call list-records again with cursor \"").Append(next).Append("\".");
        }

        return RecordResults.Success(text.ToString(), new JsonObject
        {
            ["tenantId"] = records.TenantId,
            ["collection"] = collection,
            ["records"] = RecordResults.ToJson(page.Items),
            ["nextCursor"] = next,
        });
    }

    public static async ValueTask<CallToolResult> GetAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        if (RecordArguments.Id(invocation, out var id) is { } invalid)
        {
            return invalid;
        }

        if (await records.GetAsync(id, cancellationToken) is not { } record)
        {
            return RecordResults.NotFound(invocation, records, id);
        }

        var data = record.Data.Length <= TextDataLength ? record.Data : string.Concat(record.Data.AsSpan(0, TextDataLength), "… (truncated; the full data is in structuredContent)");
        return RecordResults.Success(
            string.Create(CultureInfo.InvariantCulture, $"Record {record.Id} [{record.Model}] version {record.Version}, updated {RecordResults.Timestamp(record.UpdatedAt)}:\n{data}"),
            new JsonObject { ["record"] = RecordResults.ToJson(record) });
    }

    public static async ValueTask<CallToolResult> CreateAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        if (RecordArguments.Collection(invocation, invocation.Arguments, "collection", "collection", required: true, out var collection) is { } invalid)
        {
            return invalid;
        }

        if (RecordArguments.Data(invocation, invocation.Arguments, "data", out var data) is { } invalidData)
        {
            return invalidData;
        }

        if (RecordArguments.IdempotencyKey(invocation, out var key) is { } invalidKey)
        {
            return invalidKey;
        }

        // A collection that names one of the group's models holds that model's entities: the data must fit its schema.
        if (await new EntitySchemaCheck(records.Models).CheckAsync(invocation, collection!, invocation.Arguments.GetProperty("data"), "data", cancellationToken) is { } mismatch)
        {
            return mismatch;
        }

        var (record, duplicate) = await records.CreateAsync(new NewEntity(collection!, data), invocation.Call.Principal.Id, key, cancellationToken);
        var text = duplicate
            ? string.Create(CultureInfo.InvariantCulture,
                $"Idempotency key '{key}' was used before: this is the record it created ({record.Id} in '{record.Model}', version {record.Version}, created {RecordResults.Timestamp(record.CreatedAt)}). Nothing new was stored.")
            : string.Create(CultureInfo.InvariantCulture, $"Created record {record.Id} in '{record.Model}' (version 1).");
        return RecordResults.Success(text, new JsonObject { ["record"] = RecordResults.ToJson(record), ["duplicate"] = duplicate });
    }

    public static async ValueTask<CallToolResult> UpdateAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        if (RecordArguments.Id(invocation, out var id) is { } invalid)
        {
            return invalid;
        }

        if (RecordArguments.Data(invocation, invocation.Arguments, "data", out var data) is { } invalidData)
        {
            return invalidData;
        }

        if (RecordArguments.Integer(invocation, "expectedVersion", 1, int.MaxValue, out var expectedVersion) is { } invalidVersion)
        {
            return invalidVersion;
        }

        if (await records.GetAsync(id, cancellationToken) is not { } stored)
        {
            return RecordResults.NotFound(invocation, records, id);
        }

        if (await new EntitySchemaCheck(records.Models).CheckAsync(invocation, stored.Model, invocation.Arguments.GetProperty("data"), "data", cancellationToken) is { } mismatch)
        {
            return mismatch;
        }

        var update = await records.UpdateAsync(id, data, expectedVersion, cancellationToken);
        switch (update.Outcome)
        {
            case EntityUpdateOutcome.NotFound:
                return RecordResults.NotFound(invocation, records, id);
            case EntityUpdateOutcome.Conflict:
                var current = update.Record!;
                var message = expectedVersion is { } expected
                    ? string.Create(CultureInfo.InvariantCulture, $"Record '{id}' is at version {current.Version}, not the expected version {expected}.")
                    : $"Record '{id}' kept changing while it was being updated.";
                return ToolError.Result("CONFLICT", message,
                    string.Create(CultureInfo.InvariantCulture, $"Read it again with get-record, apply your change to its current data, and retry with expectedVersion: {current.Version}."),
                    invocation.Call.RequestId,
                    new JsonObject { ["id"] = id, ["expectedVersion"] = expectedVersion, ["currentVersion"] = current.Version });
            default:
                var record = update.Record!;
                return RecordResults.Success(string.Create(CultureInfo.InvariantCulture, $"Updated record {record.Id} in '{record.Model}' to version {record.Version}."),
                    new JsonObject { ["record"] = RecordResults.ToJson(record) });
        }
    }

    public static async ValueTask<CallToolResult> DeleteAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        if (RecordArguments.Id(invocation, out var id) is { } invalid)
        {
            return invalid;
        }

        if (RecordArguments.Confirm(invocation, out var confirmed) is { } invalidConfirm)
        {
            return invalidConfirm;
        }

        // Checked before the store is touched: the refusal says nothing about whether the record exists.
        if (!confirmed)
        {
            return ToolError.Result("CONFIRMATION_REQUIRED", $"Refusing to delete '{id}' without confirm=true.",
                "Deleting a record cannot be undone. If that is what the user wants, call delete-record again with confirm: true.", invocation.Call.RequestId);
        }

        if (await records.DeleteAsync(id, cancellationToken) is not { } deleted)
        {
            return RecordResults.NotFound(invocation, records, id);
        }

        return RecordResults.Success($"Deleted record {deleted.Id} from '{deleted.Model}'.",
            new JsonObject { ["deleted"] = true, ["record"] = RecordResults.ToJson(deleted) });
    }

    public static async ValueTask<CallToolResult> BulkCreateAsync(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken)
    {
        var present = invocation.Arguments.TryGetProperty("items", out var items);
        if (!present || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() is 0 or > RecordArguments.MaxBulkItems)
        {
            return RecordArguments.Invalid(invocation, "items", $"an array of 1-{RecordArguments.MaxBulkItems} items", RecordArguments.Describe(items, present),
                $"Pass items: [{{\"collection\": \"notes\", \"data\": {{…}}}}, …]; split larger imports into calls of {RecordArguments.MaxBulkItems}.");
        }

        var check = new EntitySchemaCheck(records.Models);
        var batch = new List<NewEntity>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"items[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                return RecordArguments.Invalid(invocation, path, "an object with 'collection' and 'data'", RecordArguments.Describe(item, present: true),
                    "Each item is {\"collection\": \"notes\", \"data\": {…}}.");
            }

            if (RecordArguments.Collection(invocation, item, "collection", $"{path}.collection", required: true, out var collection) is { } invalid)
            {
                return invalid;
            }

            if (RecordArguments.Data(invocation, item, $"{path}.data", out var data) is { } invalidData)
            {
                return invalidData;
            }

            if (await check.CheckAsync(invocation, collection!, item.GetProperty("data"), $"{path}.data", cancellationToken) is { } mismatch)
            {
                return mismatch;
            }

            batch.Add(new NewEntity(collection!, data));
        }

        var created = await records.CreateManyAsync(batch, invocation.Call.Principal.Id, cancellationToken);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Created {created.Count} record(s) in group '{records.TenantId}':"));
        foreach (var record in created)
        {
            text.Append('\n').Append(RecordResults.Line(record));
        }

        return RecordResults.Success(text.ToString(), new JsonObject { ["tenantId"] = records.TenantId, ["records"] = RecordResults.ToJson(created) });
    }
}
