using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Schema;

namespace Portico.Tools.Records;

/// <summary>
/// Checks attributes against their model's schema, compiling each model once per call (models are read from the store
/// for the call, never from a copy another instance could have changed). A model that is not a Name-Version id — the
/// collection of a record written by the record tools — is untyped: any object is accepted.
/// </summary>
internal sealed class EntitySchemaCheck(TenantModels models)
{
    private readonly Dictionary<string, CompiledSchema?> _compiled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _publishable = new(StringComparer.Ordinal);

    /// <summary>Whether the tenant has <paramref name="model"/> as a model (records of other collections are untyped).</summary>
    public async Task<bool> IsModelAsync(string model, CancellationToken cancellationToken) => await SchemaAsync(model, cancellationToken) is not null;

    /// <summary>Whether <paramref name="model"/> is one of the tenant's models and publishable (its entities take publish dates).</summary>
    public async Task<bool> IsPublishableAsync(string model, CancellationToken cancellationToken)
        => await SchemaAsync(model, cancellationToken) is not null && _publishable.Contains(model);

    /// <summary>Null when <paramref name="attributes"/> fit the model (or the model is untyped); else <c>VALIDATION_FAILED</c> naming each path.</summary>
    public async Task<CallToolResult?> CheckAsync(ToolInvocation invocation, string model, JsonElement attributes, string path, CancellationToken cancellationToken)
    {
        if (await SchemaAsync(model, cancellationToken) is not { } schema)
        {
            return null;
        }

        var violations = schema.Validate(attributes);
        if (violations.Count == 0)
        {
            return null;
        }

        string At(SchemaViolation v) => v.Path.Length == 0 ? path : v.Path.StartsWith('[') ? path + v.Path : $"{path}.{v.Path}";
        var first = violations[0];
        var more = violations.Count > 1 ? $" (and {violations.Count - 1} more: see details.violations)" : "";
        return ToolError.Result("VALIDATION_FAILED", $"Attributes do not match model '{model}': '{At(first)}' {first.Message}{more}",
            "Fix each listed path (list_models shows the model's schema) and call again; nothing was stored.",
            invocation.Call.RequestId,
            new JsonObject
            {
                ["path"] = At(first),
                ["expected"] = first.Expected,
                ["received"] = first.Received,
                ["modelId"] = model,
                ["violations"] = new JsonArray([.. violations.Take(50).Select(v => (JsonNode)new JsonObject
                {
                    ["path"] = At(v),
                    ["expected"] = v.Expected,
                    ["received"] = v.Received,
                    ["message"] = v.Message,
                })]),
            });
    }

    private async Task<CompiledSchema?> SchemaAsync(string model, CancellationToken cancellationToken)
    {
        if (!_compiled.TryGetValue(model, out var schema))
        {
            var row = ModelId.TryParse(model, out var id, out _) ? await models.FindAsync(id, cancellationToken) : null;
            schema = row is null ? null : ModelDefinition.From(row).Compile();
            if (row is { Publishable: true })
            {
                _publishable.Add(model);
            }

            _compiled[model] = schema;
        }

        return schema;
    }
}
