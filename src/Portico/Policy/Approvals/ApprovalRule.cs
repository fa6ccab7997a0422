namespace Portico.Policy.Approvals;

/// <summary>A tenant's rule: calls of <see cref="Tool"/> (native, upstream or connector, by its catalog name) in the tenant need approval.</summary>
internal sealed class ApprovalRule
{
    public required string TenantId { get; set; }

    public required string Tool { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? CreatedBy { get; set; }
}
