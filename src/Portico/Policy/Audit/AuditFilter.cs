namespace Portico.Policy.Audit;

/// <summary>
/// What to look for in the audit trail; every field narrows (null means any). The same filter serves the portal's search,
/// its export and <c>portico audit</c>. <see cref="From"/> is inclusive, <see cref="To"/> exclusive.
/// </summary>
internal sealed record AuditFilter(
    string? RequestId = null,
    string? SessionId = null,
    string? TenantId = null,
    string? UserId = null,
    string? Tool = null,
    string? ErrorCode = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    public static readonly AuditFilter None = new();
}
