namespace Portico.Policy.Audit;

/// <summary>How many calls ended with one error code.</summary>
internal sealed record AuditErrorCount(string Code, long Calls);
