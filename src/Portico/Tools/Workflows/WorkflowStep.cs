using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>One step of a workflow: the tool it calls, its argument template and how it is retried.</summary>
internal sealed record WorkflowStep(
    string Name,
    string Tool,
    JsonObject Arguments,
    int? TimeoutSeconds,
    int Retries,
    double BackoffSeconds,
    bool ContinueOnError,
    bool Idempotent)
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["tool"] = Tool,
        ["arguments"] = Arguments.DeepClone(),
        ["timeout_seconds"] = TimeoutSeconds,
        ["retries"] = Retries,
        ["backoff_seconds"] = BackoffSeconds,
        ["continue_on_error"] = ContinueOnError,
        ["idempotent"] = Idempotent,
    };

    /// <summary>A step as the pack's input schema admitted it (or as stored): defaults filled in.</summary>
    public static WorkflowStep FromJson(JsonObject step) => new(
        (string)step["name"]!,
        (string)step["tool"]!,
        step["arguments"] as JsonObject is { } arguments ? (JsonObject)arguments.DeepClone() : [],
        (int?)step["timeout_seconds"],
        (int?)step["retries"] ?? 0,
        (double?)step["backoff_seconds"] ?? 1,
        (bool?)step["continue_on_error"] ?? false,
        (bool?)step["idempotent"] ?? true);
}
