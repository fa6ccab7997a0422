using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>
/// One run of a workflow: everything the engine needs to run it on any instance lives in this row — the definition of
/// the version it started with, its input, and who it acts as (the owner and the credential that started it, checked
/// again before every step). The instance holding the lease runs it; a lease that runs out lets another continue it.
/// </summary>
internal sealed class WorkflowRunEntity : ITenantOwned
{
    public required string TenantId { get; set; }

    /// <summary>24 lowercase hex characters, unique in the store.</summary>
    public required string Id { get; set; }

    public required string WorkflowId { get; set; }

    public int WorkflowVersion { get; set; }

    /// <summary>The definition of <see cref="WorkflowVersion"/>, copied when the run was created.</summary>
    public required string Definition { get; set; }

    public required string TriggerId { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>The kind of credential that started the run (<c>api_key</c>, <c>oauth</c>, <c>anonymous</c>).</summary>
    public required string CredentialKind { get; set; }

    /// <summary>The API key id or OAuth grant id that started the run; each step checks it is still valid.</summary>
    public string? CredentialId { get; set; }

    /// <summary>The scopes the credential had when the run started (space-separated); an API key's current scopes win.</summary>
    public required string Scopes { get; set; }

    /// <summary>One of <see cref="RunStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The run's input (a JSON object, as text).</summary>
    public required string Input { get; set; }

    /// <summary>The step that failed the run (its name), when it failed.</summary>
    public string? FailedStep { get; set; }

    public string? Error { get; set; }

    /// <summary>The instance running it; null when none does.</summary>
    public string? LeaseHolder { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>When it may start (now, for a manual run).</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
