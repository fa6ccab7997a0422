namespace Portico.Tasks;

/// <summary>
/// A tool call running as a task (the tasks extension): who may see it, what it runs, how far it got, how it ended, and
/// which instance runs it under which lease. Everything lives in the row, so any instance reads, updates and cancels it.
/// </summary>
internal sealed class TaskRecord
{
    /// <summary>Unguessable (<see cref="TaskIds.New"/>); never authorization on its own — see <see cref="TaskAccess"/>.</summary>
    public required string Id { get; set; }

    /// <summary>The principal (user) that created the task.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The credential that created it (for the audit; access is by owner, tenant and scope).</summary>
    public string? CredentialId { get; set; }

    /// <summary>The tenant the creating credential was bound to (or the URL named); a caller in another tenant cannot see it.</summary>
    public string? TenantId { get; set; }

    /// <summary>The scope the tool needed; a caller without it cannot see the task's result either.</summary>
    public string? RequiredScope { get; set; }

    /// <summary>What runs it: <c>portico</c>'s packs, or the upstream whose task this one relays.</summary>
    public required string Source { get; set; }

    public required string Tool { get; set; }

    /// <summary>
    /// The upstream's own id of the task this one relays (<see cref="Source"/> is the upstream). Server-side only: it is
    /// never put on the wire, and nobody can name a task by it (see <see cref="ITaskRelay"/>).
    /// </summary>
    public string? UpstreamTaskId { get; set; }

    /// <summary>The request that created the task (its audit record carries the same id).</summary>
    public required string RequestId { get; set; }

    /// <summary>One of <see cref="TaskStatuses"/>.</summary>
    public required string Status { get; set; }

    public string? StatusMessage { get; set; }

    public double? Progress { get; set; }

    public double? ProgressTotal { get; set; }

    /// <summary>The tool's result (a <c>CallToolResult</c> as JSON) once completed.</summary>
    public string? Result { get; set; }

    /// <summary>The JSON-RPC error (<c>{code, message}</c>) once failed.</summary>
    public string? Error { get; set; }

    /// <summary>The requests waiting for the client's answers (a JSON object by key) while <c>input_required</c>.</summary>
    public string? InputRequests { get; set; }

    /// <summary>Answers delivered by <c>tasks/update</c> (a JSON object by key), for the instance running the task to take.</summary>
    public string? InputResponses { get; set; }

    public long TtlMs { get; set; }

    public long PollIntervalMs { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>After this a finished task is gone (pruned; unknown to <c>tasks/get</c>).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The instance running the task while it is active.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The running instance renews this; an active task whose lease ran out lost its instance (see <see cref="TaskSweeper"/>).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Incremented by every update: concurrent read-modify-write updates from two instances cannot lose one another.</summary>
    public int Version { get; set; }
}
