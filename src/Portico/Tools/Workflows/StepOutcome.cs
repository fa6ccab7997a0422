using System.Text.Json.Nodes;

namespace Portico.Tools.Workflows;

/// <summary>How one call of a step's tool ended: its output, or the error code and message.</summary>
internal sealed record StepOutcome(JsonNode? Output, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => ErrorCode is null;

    /// <summary>Set when the call got <c>APPROVAL_PENDING</c>: the approval the step waits for.</summary>
    public string? ApprovalId { get; init; }

    public static StepOutcome Success(JsonNode? output) => new(output, null, null);

    public static StepOutcome Failure(string code, string message) => new(null, code, message);

    public JsonObject ErrorJson() => new() { ["code"] = ErrorCode, ["message"] = ErrorMessage };
}
