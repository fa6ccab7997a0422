using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>What a workflow does: its steps in order, the schema its run input must meet, and how long a run may take.</summary>
internal sealed record WorkflowDefinition(IReadOnlyList<WorkflowStep> Steps, JsonObject? InputSchema, int? TimeoutSeconds)
{
    public string ToJsonText() => new JsonObject
    {
        ["steps"] = new JsonArray([.. Steps.Select(s => (JsonNode)s.ToJson())]),
        ["input_schema"] = InputSchema?.DeepClone(),
        ["timeout_seconds"] = TimeoutSeconds,
    }.ToJsonString();

    public JsonObject ToJson() => JsonNode.Parse(ToJsonText())!.AsObject();

    /// <summary>From the arguments of create_workflow or update_workflow (already checked against the pack's schema), or from a stored definition.</summary>
    public static WorkflowDefinition FromJson(JsonObject source) => new(
        [.. (source["steps"] as JsonArray ?? []).OfType<JsonObject>().Select(WorkflowStep.FromJson)],
        source["input_schema"] is JsonObject schema ? (JsonObject)schema.DeepClone() : null,
        (int?)source["timeout_seconds"]);

    public static WorkflowDefinition Parse(string text) => FromJson(JsonNode.Parse(text)!.AsObject());

    public static JsonElement ToElement(JsonObject node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}
