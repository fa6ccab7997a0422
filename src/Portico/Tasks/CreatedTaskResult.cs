using System.Text.Json.Serialization;
using ModelContextProtocol.Protocol;

namespace Portico.Tasks;

/// <summary>The answer to a <c>tools/call</c> that became a task: the task itself, flat, with <c>resultType: "task"</c>.</summary>
internal sealed class CreatedTaskResult : Result
{
    public CreatedTaskResult()
    {
        ResultType = "task";
    }

    [JsonPropertyName("taskId")]
    public required string TaskId { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("statusMessage")]
    public string? StatusMessage { get; init; }

    [JsonPropertyName("createdAt")]
    public required string CreatedAt { get; init; }

    [JsonPropertyName("lastUpdatedAt")]
    public required string LastUpdatedAt { get; init; }

    [JsonPropertyName("ttlMs")]
    public long TtlMs { get; init; }

    [JsonPropertyName("pollIntervalMs")]
    public long PollIntervalMs { get; init; }
}
