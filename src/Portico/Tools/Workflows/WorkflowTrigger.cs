using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>How a run may start. Only <c>manual</c> (execute_workflow) exists so far.</summary>
internal sealed record WorkflowTrigger(string Id, string Type)
{
    public const string Manual = "manual";

    public static WorkflowTrigger NewManual() => new("trg_" + Access.Ids.New(), Manual);

    public static IReadOnlyList<WorkflowTrigger> Parse(string text)
        => [.. (JsonNode.Parse(text) as JsonArray ?? []).OfType<JsonObject>().Select(t => new WorkflowTrigger((string)t["id"]!, (string)t["type"]!))];

    public static string ToJsonText(IEnumerable<WorkflowTrigger> triggers)
        => new JsonArray([.. triggers.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["type"] = t.Type })]).ToJsonString();
}
