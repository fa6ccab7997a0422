using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>The model tools: list_models, import_model, define_model and get_model_library_status.</summary>
internal static class ModelTools
{
    public static async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, TenantModels models, CancellationToken cancellationToken)
    {
        var stored = await models.ListAsync(cancellationToken);
        var ids = stored.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var text = new StringBuilder(stored.Count == 0
            ? $"Group '{models.TenantId}' has no models yet."
            : string.Create(CultureInfo.InvariantCulture, $"{stored.Count} model(s) in group '{models.TenantId}':"));
        foreach (var model in stored)
        {
            text.Append('\n').Append(ModelResults.Line(model));
        }

        text.Append("\nCatalog (import with import_model):");
        foreach (var model in ModelCatalog.All)
        {
            var id = model.Definition.Id.ToString();
            text.Append("\n- ").Append(id).Append(": ").Append(model.Description).Append(ids.Contains(id) ? " (imported)" : "");
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = models.TenantId,
            ["models"] = new JsonArray([.. stored.Select(m => (JsonNode)ModelResults.ToJson(m))]),
            ["catalog"] = new JsonArray([.. ModelCatalog.All.Select(m => (JsonNode)ModelResults.ToJson(m, ids.Contains(m.Definition.Id.ToString())))]),
        });
    }

    public static async ValueTask<CallToolResult> ImportAsync(ToolInvocation invocation, TenantModels models, CancellationToken cancellationToken)
    {
        if (ModelArguments.Id(invocation, "modelId", out var id) is { } invalid)
        {
            return invalid;
        }

        if (id.IsServiceManaged)
        {
            return ModelResults.ServiceManaged(invocation, id, "import_model");
        }

        if (ModelCatalog.Find(id) is not { } entry)
        {
            var newest = ModelCatalog.Latest(id.Name);
            return ToolError.Result("NOT_FOUND", $"No model '{id}' in the catalog.",
                newest is null
                    ? $"The catalog has: {string.Join(", ", ModelCatalog.All.Select(m => m.Definition.Id))}. For a type of your own, use define_model."
                    : $"The catalog has '{newest.Definition.Id}'; import that id.",
                invocation.Call.RequestId, new JsonObject { ["modelId"] = id.ToString() });
        }

        var (outcome, model) = await models.AddAsync(entry.Definition, TenantModels.CatalogOrigin, invocation.Call.Principal.Id, cancellationToken);
        return outcome switch
        {
            ModelAddOutcome.Added => await SuccessAsync($"Imported model {model.Id} into group '{models.TenantId}'. It is usable now, on every instance: create entities with create_entity.", models, model, imported: true, cancellationToken),
            ModelAddOutcome.AlreadyPresent => await SuccessAsync($"Group '{models.TenantId}' already has model {model.Id} from the catalog; nothing changed.", models, model, imported: false, cancellationToken),
            _ => Conflict(invocation, models.TenantId, model, "import_model"),
        };
    }

    public static async ValueTask<CallToolResult> DefineAsync(ToolInvocation invocation, TenantModels models, CancellationToken cancellationToken)
    {
        if (ModelArguments.Id(invocation, "modelId", out var id) is { } invalid)
        {
            return invalid;
        }

        if (id.IsServiceManaged)
        {
            return ModelResults.ServiceManaged(invocation, id, "define_model");
        }

        if (ModelCatalog.Latest(id.Name) is { } catalogModel)
        {
            return RecordArguments.Invalid(invocation, "modelId", "a name the catalog does not use", $"the catalog model name '{id.Name}'",
                $"Import '{catalogModel.Definition.Id}' with import_model, or define your type under a name of your own (e.g. 'Acme.{id.Name.Split('.')[^1]}-1').");
        }

        if (ModelArguments.Definition(invocation, id, out var definition) is { } invalidDefinition)
        {
            return invalidDefinition;
        }

        var (outcome, model) = await models.AddAsync(definition, TenantModels.DefinedOrigin, invocation.Call.Principal.Id, cancellationToken);
        return outcome switch
        {
            ModelAddOutcome.Added => await SuccessAsync($"Defined model {model.Id} in group '{models.TenantId}'. It is usable now, on every instance: create entities with create_entity.", models, model, imported: true, cancellationToken),
            ModelAddOutcome.AlreadyPresent => await SuccessAsync($"Group '{models.TenantId}' already has model {model.Id} with this definition; nothing changed.", models, model, imported: false, cancellationToken),
            _ => Conflict(invocation, models.TenantId, model, "define_model"),
        };
    }

    public static async ValueTask<CallToolResult> StatusAsync(ToolInvocation invocation, TenantModels models, CancellationToken cancellationToken)
    {
        var stored = await models.ListAsync(cancellationToken);
        var existing = await models.ExistingIndexesAsync(cancellationToken);
        var counts = await models.CountEntitiesAsync(cancellationToken);
        var statuses = new JsonArray();
        var text = new StringBuilder($"Model library of group '{models.TenantId}' (read from the store now; what every instance uses):");
        foreach (var model in stored)
        {
            var newest = model.Origin == TenantModels.CatalogOrigin ? ModelCatalog.Latest(model.Name) : null;
            var newer = newest is not null && newest.Definition.Id.Version > model.Version ? newest.Definition.Id.ToString() : null;
            var count = counts.GetValueOrDefault(model.Id);
            statuses.Add(new JsonObject
            {
                ["id"] = model.Id,
                ["origin"] = model.Origin,
                ["modelState"] = "ready",
                ["entityCount"] = count,
                ["publishable"] = model.Publishable,
                ["loadedVersion"] = model.Version,
                ["newerCatalogVersion"] = newer,
                ["indexes"] = JsonNode.Parse(model.Indexes),
                ["indexState"] = new JsonArray([.. ModelDefinition.From(model).Indexes.Select(path => (JsonNode)new JsonObject
                {
                    ["attributePath"] = path,
                    ["index"] = AttributeIndex.Name(path),
                    ["ready"] = existing.Contains(AttributeIndex.Name(path)),
                })]),
            });
            text.Append('\n').Append(string.Create(CultureInfo.InvariantCulture, $"- {model.Id}: ready (version {model.Version}, {model.Origin}, {count} entit{(count == 1 ? "y" : "ies")})"));
            if (newer is not null)
            {
                text.Append("; the catalog has ").Append(newer);
            }
        }

        var ids = stored.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var available = ModelCatalog.All.Where(m => !ids.Contains(m.Definition.Id.ToString())).Select(m => m.Definition.Id.ToString()).ToList();
        if (stored.Count == 0)
        {
            text.Append("\nNo models yet.");
        }

        var untyped = counts.Where(c => !ids.Contains(c.Key)).Sum(c => c.Value);
        if (untyped > 0)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"\n{untyped} record(s) in collections that are not models (untyped; see list-records)."));
        }

        text.Append("\nAvailable to import: ").Append(available.Count == 0 ? "none" : string.Join(", ", available)).Append('.');
        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = models.TenantId,
            ["models"] = statuses,
            ["untypedRecords"] = untyped,
            ["availableInCatalog"] = new JsonArray([.. available.Select(a => (JsonNode)JsonValue.Create(a))]),
        });
    }

    /// <summary>
    /// The model is stored; now its index hints become store indexes (idempotent: also when it was there already, so a
    /// repeated import or define repairs a missing index). An index that cannot be made leaves the model usable, unindexed.
    /// </summary>
    private static async Task<CallToolResult> SuccessAsync(string text, TenantModels models, ModelRow model, bool imported, CancellationToken cancellationToken)
    {
        var unindexed = await models.EnsureIndexesAsync(model, cancellationToken);
        if (unindexed.Count > 0)
        {
            text += $" The store could not index {string.Join(", ", unindexed)} (the operator's log says why): queries on them work, without an index.";
        }

        return ToolResults.Structured(text, new JsonObject
        {
            ["model"] = ModelResults.ToJson(model),
            ["stored"] = imported,
            ["unindexed"] = new JsonArray([.. unindexed.Select(p => (JsonNode)JsonValue.Create(p))]),
        });
    }

    private static CallToolResult Conflict(ToolInvocation invocation, string tenantId, ModelRow existing, string tool)
        => ToolError.Result("CONFLICT",
            $"Group '{tenantId}' already has model '{existing.Id}' with another definition; a stored model never changes.",
            string.Create(CultureInfo.InvariantCulture, $"Publish the changed type as the next version, '{existing.Name}-{existing.Version + 1}' (list_models shows the versions there are); {tool} with the same definition succeeds."),
            invocation.Call.RequestId, new JsonObject { ["modelId"] = existing.Id, ["current"] = ModelResults.ToJson(existing) });
}
