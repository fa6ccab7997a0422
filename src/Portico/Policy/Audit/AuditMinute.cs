namespace Portico.Policy.Audit;

/// <summary>Calls that started in one minute (UTC), and how many of them ended in an error.</summary>
internal sealed record AuditMinute(DateTimeOffset Minute, long Calls, long Errors);
