namespace Portico.Policy.Approvals;

/// <summary>
/// One approval-gated tool call: who asked, in which tenant, for which tool, with exactly which validated arguments, and
/// what an owner or admin decided. The arguments are never changed after the request (no code path writes them); their
/// hash and a seal over it made with the server's key ring (<see cref="ApprovalSeal"/>) make an edit of the row visible.
/// </summary>
internal sealed class ApprovalRecord
{
    /// <summary>Unguessable (<see cref="ApprovalIds.New"/>); never authorization: deciding checks the decider's role in <see cref="TenantId"/>.</summary>
    public required string Id { get; set; }

    /// <summary>The tenant the call resolved to; its owners and admins decide. Null: only a Portico administrator decides.</summary>
    public string? TenantId { get; set; }

    public required string Tool { get; set; }

    /// <summary>The principal (user) that made the call; the approved call runs as them again.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The caller as the portal shows them.</summary>
    public string? OwnerEmail { get; set; }

    /// <summary>The credential that made the call; an approved call does not run once it is revoked or expired.</summary>
    public string? CredentialId { get; set; }

    /// <summary>The task waiting on the decision; null for a call from a client without tasks (it calls again once approved).</summary>
    public string? TaskId { get; set; }

    public required string RequestId { get; set; }

    /// <summary>The validated arguments as JSON, exactly as the tool would have received them.</summary>
    public required string Arguments { get; set; }

    /// <summary>SHA-256 of <see cref="Arguments"/> (UTF-8), lowercase hex.</summary>
    public required string ArgumentsHash { get; set; }

    /// <summary>The seal over id, tool, caller, tenant, task and hash (<see cref="ApprovalSeal"/>).</summary>
    public required string Seal { get; set; }

    /// <summary>One of <see cref="ApprovalStatuses"/>.</summary>
    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A pending approval not decided by then is expired (by the sweeper or whoever reads it first).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The user who approved or denied it.</summary>
    public string? DecidedBy { get; set; }

    /// <summary>When the approved call was taken to run (or a denial was reported to a client without tasks): at most once.</summary>
    public DateTimeOffset? ConsumedAt { get; set; }
}
