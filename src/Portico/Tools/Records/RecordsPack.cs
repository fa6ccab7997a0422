using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// A tenant's structured data (the data pack, grown from the first records pack): models — named, versioned types with a
/// JSON Schema, from the built-in catalog or defined by the tenant — and their entities (create, get, update with
/// optimistic concurrency, delete confirmed, bulk create and update all-or-nothing). The first pack's record tools keep
/// their names and work on the same rows (a record is an entity whose model is its collection). A tenant pack: every tool
/// needs a tenant and reaches data only through <see cref="TenantModels"/> and <see cref="TenantEntities"/> over that
/// tenant's <see cref="TenantData{TEntity}"/>.
/// </summary>
internal sealed class RecordsPack(IServiceScopeFactory scopes, TimeProvider time, ModelIndexes indexes) : TenantPack<EntityRow, EntityRowConfiguration>(scopes), IMcpPack
{
    private static readonly string ReadScope = Scopes.Read("records");
    private static readonly string WriteScope = Scopes.Write("records");

    public override string Name => "records";

    /// <summary>The entities table (registered by the tenant pack) and the models table beside it.</summary>
    public static new void AddServices(IServiceCollection services)
    {
        TenantPack<EntityRow, EntityRowConfiguration>.AddServices(services);
        services.AddStoreEntity(new ModelRowConfiguration());
        services.AddSingleton<ModelIndexes>();
    }

    /// <summary>The records tools predate the snake_case rule; clients call them by these names.</summary>
    protected override bool KeepsLegacyToolNames => true;

    protected override IEnumerable<TenantTool<EntityRow>> Tools => Build().Concat(ModelTools()).Concat(EntityTools()).Concat(QueryTools());

    private IEnumerable<TenantTool<EntityRow>> Build()
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

    private IEnumerable<TenantTool<EntityRow>> ModelTools()
    {
        yield return Tool(new Tool
        {
            Name = "list_models",
            Title = "List models",
            Description = "Lists the models (typed, versioned entity types) of the active group, and the built-in catalog's models with whether each is imported. Read from the store on every call: a model imported or defined a moment ago on any instance is listed.",
            InputSchema = ModelSchemas.List,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.ModelTools.ListAsync, ReadScope, [new JsonObject()]);

        yield return Tool(new Tool
        {
            Name = "import_model",
            Title = "Import model",
            Description = "Imports a ready model from the built-in catalog (list_models shows them) into the active group. Usable the moment this returns. Importing a model the group already has succeeds and changes nothing. System.* models are service-managed and refused with SERVICE_MANAGED.",
            InputSchema = ModelSchemas.Import,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        }, Records.ModelTools.ImportAsync, WriteScope, [new JsonObject { ["modelId"] = "Basic.Contact-1" }]);

        yield return Tool(new Tool
        {
            Name = "define_model",
            Title = "Define model",
            Description = "Defines a model of the active group: its id (Name-Version, e.g. \"Acme.Machine-1\"), the JSON Schema (2020-12) of its entities' attributes, display hints and the attribute paths to index. A stored model never changes: publish a changed schema as the next version. Usable the moment this returns.",
            InputSchema = ModelSchemas.Define,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        }, Records.ModelTools.DefineAsync, WriteScope,
            [new JsonObject
            {
                ["modelId"] = "Acme.Machine-1",
                ["schema"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["serial"] = new JsonObject { ["type"] = "string" }, ["power"] = new JsonObject { ["type"] = "number" } },
                    ["required"] = new JsonArray("serial"),
                },
                ["display"] = new JsonObject { ["title"] = "serial" },
                ["indexes"] = new JsonArray("serial"),
            }]);

        yield return Tool(new Tool
        {
            Name = "get_model_library_status",
            Title = "Get model library status",
            Description = "The state of each model of the active group (ready: stored and used by every instance for the next call), the version loaded, a newer catalog version if there is one, and the catalog models not imported yet.",
            InputSchema = ModelSchemas.Status,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.ModelTools.StatusAsync, ReadScope, [new JsonObject()]);
    }

    private IEnumerable<TenantTool<EntityRow>> EntityTools()
    {
        const string Id = "507f1f77bcf86cd799439011";
        var contact = new JsonObject { ["name"] = "Ann Lee", ["email"] = "ann@example.com" };
        yield return Tool(new Tool
        {
            Name = "create_entity",
            Title = "Create entity",
            Description = "Creates an entity of one of the group's models; its attributes must match the model's schema (VALIDATION_FAILED names each failing path). Pass an idempotencyKey to make retries safe.",
            InputSchema = EntitySchemas.Create,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, Records.EntityTools.CreateAsync, WriteScope, [new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = contact.DeepClone() }]);

        yield return Tool(new Tool
        {
            Name = "get_entity",
            Title = "Get entity",
            Description = "Returns one entity of the active group by id (24 hex characters): its model, attributes and version.",
            InputSchema = EntitySchemas.Get,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.EntityTools.GetAsync, ReadScope, [new JsonObject { ["id"] = Id }]);

        yield return Tool(new Tool
        {
            Name = "update_entity",
            Title = "Update entity",
            Description = "Replaces an entity's attributes (validated against its model) and increments its version. Pass expected_version (from get_entity): if another writer got there first, the call fails with CONFLICT carrying the current entity and version to rebase on.",
            InputSchema = EntitySchemas.Update,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, Records.EntityTools.UpdateAsync, WriteScope, [new JsonObject { ["id"] = Id, ["attributes"] = contact.DeepClone(), ["expected_version"] = 1 }]);

        yield return Tool(new Tool
        {
            Name = "delete_entity",
            Title = "Delete entity",
            Description = "Permanently deletes an entity of the active group. Requires confirm: true; without it nothing is deleted (CONFIRMATION_REQUIRED).",
            InputSchema = EntitySchemas.Delete,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.EntityTools.DeleteAsync, WriteScope, [new JsonObject { ["id"] = Id, ["confirm"] = true }]);

        yield return Tool(new Tool
        {
            Name = "bulk_create_entities",
            Title = "Bulk create entities",
            Description = "Creates up to 1000 entities in one call, all or none: if any item is invalid or the write fails, nothing is stored. Requires the pro_plus plan.",
            InputSchema = EntitySchemas.BulkCreate,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, Records.EntityTools.BulkCreateAsync, WriteScope,
            [new JsonObject { ["items"] = new JsonArray(new JsonObject { ["modelId"] = "Basic.Contact-1", ["attributes"] = contact.DeepClone() }) }],
            Tier.ProPlus);

        yield return Tool(new Tool
        {
            Name = "bulk_update_entities",
            Title = "Bulk update entities",
            Description = "Updates up to 1000 entities in one call, all or none: an invalid item, a missing entity or a version conflict (CONFLICT with that entity's current version) leaves every entity unchanged. Requires the pro_plus plan.",
            InputSchema = EntitySchemas.BulkUpdate,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, Records.EntityTools.BulkUpdateAsync, WriteScope,
            [new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = Id, ["attributes"] = contact.DeepClone(), ["expected_version"] = 2 }) }],
            Tier.ProPlus);

        yield return Tool(new Tool
        {
            Name = "bulk_update_publish_dates",
            Title = "Bulk update publish dates",
            Description = "Sets publishAt/unpublishAt of up to 1000 entities of publishable models in one call, all or none. An entity is published from publishAt until unpublishAt, computed from the clock on every read: no job has to run for it to go live on time. Requires the pro_plus plan.",
            InputSchema = EntitySchemas.BulkUpdatePublishDates,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
        }, Records.EntityTools.BulkUpdatePublishDatesAsync, WriteScope,
            [new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = Id, ["publishAt"] = "2026-03-01T10:00:00Z", ["unpublishAt"] = "2026-04-01T00:00:00Z" }) }],
            Tier.ProPlus);
    }

    private IEnumerable<TenantTool<EntityRow>> QueryTools()
    {
        yield return Tool(new Tool
        {
            Name = "query_entities",
            Title = "Query entities",
            Description = "Finds entities of one model, filtered on attribute paths (eq, ne, lt, lte, gt, gte, in, contains, exists), sorted by an attribute or newest first, a page at a time (limit 1-100, nextCursor). Runs in the database.",
            InputSchema = QuerySchemas.Query,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.QueryTools.QueryAsync, ReadScope,
            [new JsonObject
            {
                ["modelId"] = "Industry.Meter-1",
                ["filter"] = new JsonArray(new JsonObject { ["attributePath"] = "status", ["op"] = "eq", ["value"] = "online" }),
                ["sort"] = new JsonObject { ["attributePath"] = "power", ["direction"] = "desc" },
                ["limit"] = 20,
            }]);

        yield return Tool(new Tool
        {
            Name = "aggregate_entities",
            Title = "Aggregate entities",
            Description = "Computes count, sum, avg, min, max or distinct over the entities of one model (optionally filtered), grouped by attribute paths. Aliases default to <function>_<sanitised-path> (e.g. avg_power). Runs in the database.",
            InputSchema = QuerySchemas.Aggregate,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, Records.QueryTools.AggregateAsync, ReadScope,
            [new JsonObject
            {
                ["modelId"] = "Industry.Meter-1",
                ["aggregations"] = new JsonArray(new JsonObject { ["function"] = "count" }, new JsonObject { ["function"] = "avg", ["attributePath"] = "power" }),
                ["groupByAttributePaths"] = new JsonArray("site"),
            }]);
    }

    private TenantTool<EntityRow> Tool(Tool tool, ModelToolHandler handler, string scope, IReadOnlyList<JsonObject> examples)
        => new(tool, (invocation, data, cancellationToken) => handler(invocation, new TenantModels(data.Of<ModelRow>(), time, indexes, new TenantEntities(data, time).CountByModelAsync), cancellationToken))
        {
            RequiredScope = scope,
            Write = scope == WriteScope,
            Examples = examples,
        };

    private TenantTool<EntityRow> Tool(Tool tool, RecordsToolHandler handler, string scope, IReadOnlyList<JsonObject> examples, Tier minimumTier = Tier.Basic)
        => new(tool, (invocation, data, cancellationToken) => handler(invocation, new TenantEntities(data, time), cancellationToken))
        {
            RequiredScope = scope,
            Write = scope == WriteScope,
            MinimumTier = minimumTier,
            Examples = examples,
        };
}
