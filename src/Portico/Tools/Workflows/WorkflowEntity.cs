using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>
/// A workflow: ordered tool-calling steps owned by one user in one tenant. Its definition is versioned: an update stores
/// the next version here, and every run keeps a copy of the version it started with (<see cref="WorkflowRunEntity.Definition"/>).
/// </summary>
internal sealed class WorkflowEntity : ITenantOwned
{
    public required string TenantId { get; set; }

    /// <summary>24 lowercase hex characters.</summary>
    public required string Id { get; set; }

    /// <summary>The user who created it; only this user sees, changes and runs it.</summary>
    public required string OwnerId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>1 when created; every update of the definition adds one.</summary>
    public int Version { get; set; }

    /// <summary>The steps and the input schema (<see cref="WorkflowDefinition"/>), as JSON text.</summary>
    public required string Definition { get; set; }

    /// <summary>The triggers (<see cref="WorkflowTrigger"/>), as a JSON array.</summary>
    public required string Triggers { get; set; }

    /// <summary>When it was activated; null while inactive (a run can only start when set).</summary>
    public DateTimeOffset? ActivatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
