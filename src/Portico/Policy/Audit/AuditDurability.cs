namespace Portico.Policy.Audit;

/// <summary>When a call's audit record must be in the store: before its result is released, or eventually.</summary>
internal enum AuditDurability
{
    Durable,
    Async,
}
