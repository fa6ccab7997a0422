using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>
/// How a run may start: <c>manual</c> (execute_workflow), or <c>schedule</c> (a cron expression in a time zone; its runs
/// get <see cref="Input"/>).
/// </summary>
internal sealed record WorkflowTrigger(string Id, string Type, string? Cron = null, string? TimeZone = null, JsonObject? Input = null)
{
    public const string Manual = "manual";
    public const string Schedule = "schedule";

    /// <summary>A trigger as the pack's input schema admitted it, with a new id.</summary>
    public static WorkflowTrigger New(JsonObject given) => new(
        "trg_" + Access.Ids.New(),
        (string)given["type"]!,
        (string?)given["cron"],
        given["type"]?.ToString() == Schedule ? (string?)given["time_zone"] ?? "UTC" : null,
        given["input"] is JsonObject input ? (JsonObject)input.DeepClone() : null);

    public static WorkflowTrigger NewManual() => new("trg_" + Access.Ids.New(), Manual);

    public static IReadOnlyList<WorkflowTrigger> Parse(string text)
        => [.. (JsonNode.Parse(text) as JsonArray ?? []).OfType<JsonObject>().Select(t => new WorkflowTrigger(
            (string)t["id"]!, (string)t["type"]!, (string?)t["cron"], (string?)t["time_zone"], t["input"] is JsonObject input ? (JsonObject)input.DeepClone() : null))];

    public static string ToJsonText(IEnumerable<WorkflowTrigger> triggers)
        => new JsonArray([.. triggers.Select(t => (JsonNode)t.ToJson())]).ToJsonString();

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["id"] = Id, ["type"] = Type };
        if (Type == Schedule)
        {
            json["cron"] = Cron;
            json["time_zone"] = TimeZone;
            json["input"] = Input?.DeepClone();
        }

        return json;
    }
}
