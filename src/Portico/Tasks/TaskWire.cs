using System.Globalization;
using System.Text.Json.Nodes;

namespace Portico.Tasks;

/// <summary>
/// A task as the extension puts it on the wire: flat (no <c>task</c> wrapper), times ISO 8601, durations in integer
/// milliseconds (<c>ttlMs</c>, <c>pollIntervalMs</c>), no <c>requestState</c> and no related-task <c>_meta</c>.
/// </summary>
internal static class TaskWire
{
    public static CreatedTaskResult Created(TaskRecord task) => new()
    {
        TaskId = task.Id,
        Status = task.Status,
        StatusMessage = task.StatusMessage,
        CreatedAt = Iso(task.CreatedAt),
        LastUpdatedAt = Iso(task.UpdatedAt),
        TtlMs = task.TtlMs,
        PollIntervalMs = task.PollIntervalMs,
    };

    /// <summary>The <c>tasks/get</c> answer: the task, with its result, error or input requests inlined by status.</summary>
    public static JsonObject Detailed(TaskRecord task)
    {
        var json = Envelope(task);
        json.Insert(0, "resultType", "complete");
        return json;
    }

    /// <summary>The params of <c>notifications/tasks/status</c>: the same task shape, without the result discriminator.</summary>
    public static JsonObject Notification(TaskRecord task) => Envelope(task);

    /// <summary>An empty acknowledgement (<c>tasks/update</c>, <c>tasks/cancel</c>): the task's state is read with <c>tasks/get</c>.</summary>
    public static JsonObject Ack() => new() { ["resultType"] = "complete" };

    /// <summary>The JSON-RPC error shape a failed task carries.</summary>
    public static string Error(int code, string message) => new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString();

    private static JsonObject Envelope(TaskRecord task)
    {
        var json = new JsonObject
        {
            ["taskId"] = task.Id,
            ["status"] = task.Status,
        };
        if (task.StatusMessage is not null)
        {
            json["statusMessage"] = task.StatusMessage;
        }

        json["createdAt"] = Iso(task.CreatedAt);
        json["lastUpdatedAt"] = Iso(task.UpdatedAt);
        json["ttlMs"] = task.TtlMs;
        json["pollIntervalMs"] = task.PollIntervalMs;
        switch (task.Status)
        {
            case TaskStatuses.Completed when task.Result is not null:
                json["result"] = JsonNode.Parse(task.Result);
                break;
            case TaskStatuses.Failed when task.Error is not null:
                json["error"] = JsonNode.Parse(task.Error);
                break;
            case TaskStatuses.InputRequired:
                json["inputRequests"] = task.InputRequests is null ? new JsonObject() : JsonNode.Parse(task.InputRequests);
                break;
        }

        return json;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
