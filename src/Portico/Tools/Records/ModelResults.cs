using System.Globalization;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>How model tools show a model, and their shared refusals.</summary>
internal static class ModelResults
{
    public static JsonObject ToJson(ModelRow model) => new()
    {
        ["id"] = model.Id,
        ["name"] = model.Name,
        ["version"] = model.Version,
        ["origin"] = model.Origin,
        ["schema"] = JsonNode.Parse(model.Schema),
        ["display"] = model.Display is null ? null : JsonNode.Parse(model.Display),
        ["indexes"] = JsonNode.Parse(model.Indexes),
        ["publishable"] = model.Publishable,
        ["createdBy"] = model.CreatedBy,
        ["createdAt"] = RecordResults.Timestamp(model.CreatedAt),
    };

    public static JsonObject ToJson(CatalogModel model, bool imported) => new()
    {
        ["id"] = model.Definition.Id.ToString(),
        ["title"] = model.Title,
        ["description"] = model.Description,
        ["imported"] = imported,
    };

    public static string Line(ModelRow model)
        => string.Create(CultureInfo.InvariantCulture, $"- {model.Id} ({model.Origin}, indexes: {string.Join(", ", ModelDefinition.From(model).Indexes.DefaultIfEmpty("none"))})");

    /// <summary>
    /// <c>System.*</c> models are refused by name, before anything is stored: the seed's import "succeeded" with
    /// "Enqueued 0 import job(s)" and did nothing; here the caller learns at once who owns them.
    /// </summary>
    public static CallToolResult ServiceManaged(ToolInvocation invocation, ModelId id, string tool)
        => ToolError.Result("SERVICE_MANAGED",
            $"Model '{id}' is service-managed: {ModelId.ServicePrefix}* models are owned by Portico itself, which creates them for the feature that uses them; {tool} never loads them, and nothing was stored.",
            "Import a user model from the catalog (list_models lists them, e.g. \"Basic.Contact-1\"), or define your own under a name outside System.* with define_model.",
            invocation.Call.RequestId,
            new JsonObject { ["modelId"] = id.ToString(), ["owner"] = "Portico (service-managed)" });

    /// <summary>The same answer whether the model exists in another tenant or nowhere.</summary>
    public static CallToolResult NotFound(ToolInvocation invocation, string tenantId, ModelId id)
        => ToolError.Result("NOT_FOUND", $"No model '{id}' in group '{tenantId}'.",
            "List the group's models with list_models; import one from the catalog with import_model or define one with define_model.",
            invocation.Call.RequestId, new JsonObject { ["modelId"] = id.ToString(), ["tenantId"] = tenantId });
}
