namespace Portico.Policy.Audit;

/// <summary>One page of a search, newest first; <see cref="Next"/> continues after its last record (null on the last page).</summary>
internal sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? Next);
