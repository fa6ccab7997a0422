using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>
/// How a run may start: <c>manual</c> (execute_workflow), <c>schedule</c> (a cron expression in a time zone; its runs
/// get <see cref="Input"/>), or <c>webhook</c> (a signed <c>POST /hooks/{id}</c>, whose JSON body is the run's input; the
/// trigger id is the hook id).
/// </summary>
internal sealed record WorkflowTrigger(string Id, string Type, string? Cron = null, string? TimeZone = null, JsonObject? Input = null)
{
    public const string Manual = "manual";
    public const string Schedule = "schedule";
    public const string Webhook = "webhook";

    /// <summary>The path a webhook trigger is delivered to.</summary>
    public static string HookPath(string triggerId) => "/hooks/" + triggerId;

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
        else if (Type == Webhook)
        {
            json["path"] = HookPath(Id);
        }

        return json;
    }
}
