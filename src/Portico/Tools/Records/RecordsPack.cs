using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// JSON records owned by a tenant: list, get, create (idempotent with a key), update (with
/// optimistic concurrency), delete (confirmed) and bulk create. A tenant pack: every tool needs a tenant and
/// reaches records only through <see cref="TenantRecords"/> over that tenant's <see cref="TenantData{TEntity}"/>.
/// </summary>
internal sealed class RecordsPack(IServiceScopeFactory scopes, TimeProvider time) : TenantPack<RecordEntity, RecordEntityConfiguration>(scopes)
{
    private static readonly string ReadScope = Scopes.Read("records");
    private static readonly string WriteScope = Scopes.Write("records");

    public override string Name => "records";

    /// <summary>The records tools predate the snake_case rule; clients call them by these names.</summary>
    protected override bool KeepsLegacyToolNames => true;

    protected override IEnumerable<TenantTool<RecordEntity>> Tools => Build();

    private IEnumerable<TenantTool<RecordEntity>> Build()
    {
        yield return Tool(new Tool
        {
            Name = "list-records",
            Title = "List records",
            Description = "Lists the records of the active group, newest first, optionally of one collection. Returns up to 'limit' records and a nextCursor for the next page.",
            InputSchema = RecordSchemas.List,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, RecordTools.ListAsync, ReadScope,
            [new JsonObject { ["collection"] = "notes", ["limit"] = 20 }]);

        yield return Tool(new Tool
        {
            Name = "get-record",
            Title = "Get record",
            Description = "Returns one record of the active group by id: its collection, data, version and timestamps.",
            InputSchema = RecordSchemas.Get,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, RecordTools.GetAsync, ReadScope,
            [new JsonObject { ["id"] = "5f0c6a1e2b3d4c5e6f708192" }]);

        yield return Tool(new Tool
        {
            Name = "create-record",
            Title = "Create record",
            Description = "Stores a JSON object as a new record in a collection of the active group. Pass an idempotencyKey to make retries safe: the same key returns the original record (duplicate: true) instead of creating another.",
            InputSchema = RecordSchemas.Create,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, RecordTools.CreateAsync, WriteScope,
            [new JsonObject { ["collection"] = "notes", ["data"] = new JsonObject { ["title"] = "Call Ann", ["due"] = "2026-02-01" }, ["idempotencyKey"] = "9b1f3c2e-note-1" }]);

        yield return Tool(new Tool
        {
            Name = "update-record",
            Title = "Update record",
            Description = "Replaces the data of a record and increments its version. Pass expectedVersion (from get-record) so a concurrent change is reported as CONFLICT instead of being overwritten.",
            InputSchema = RecordSchemas.Update,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, RecordTools.UpdateAsync, WriteScope,
            [new JsonObject { ["id"] = "5f0c6a1e2b3d4c5e6f708192", ["data"] = new JsonObject { ["title"] = "Called Ann" }, ["expectedVersion"] = 1 }]);

        yield return Tool(new Tool
        {
            Name = "delete-record",
            Title = "Delete record",
            Description = "Permanently deletes a record of the active group. Requires confirm: true; without it nothing is deleted (CONFIRMATION_REQUIRED).",
            InputSchema = RecordSchemas.Delete,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, RecordTools.DeleteAsync, WriteScope,
            [new JsonObject { ["id"] = "5f0c6a1e2b3d4c5e6f708192", ["confirm"] = true }]);

        yield return Tool(new Tool
        {
            Name = "bulk-create-records",
            Title = "Bulk create records",
            Description = "Creates up to 100 records in one call, all or none: if any item is invalid or the write fails, nothing is stored. Requires the pro_plus plan.",
            InputSchema = RecordSchemas.BulkCreate,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, RecordTools.BulkCreateAsync, WriteScope,
            [new JsonObject
            {
                ["items"] = new JsonArray(
                    new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "Ann" } },
                    new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "Ben" } }),
            }],
            Tier.ProPlus);
    }

    private TenantTool<RecordEntity> Tool(Tool tool, RecordsToolHandler handler, string scope, IReadOnlyList<JsonObject> examples, Tier minimumTier = Tier.Basic)
        => new(tool, (invocation, data, cancellationToken) => handler(invocation, new TenantRecords(data, time), cancellationToken))
        {
            RequiredScope = scope,
            Write = scope == WriteScope,
            MinimumTier = minimumTier,
            Examples = examples,
        };
}
