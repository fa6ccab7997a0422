namespace Portico.Policy.Audit;

/// <summary>Bound from <c>Portico:Audit</c>.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Portico:Audit";

    /// <summary>Records older than this are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Store the (redacted) arguments of each call, not only their size.</summary>
    public bool RecordArguments { get; set; } = true;

    /// <summary>
    /// <see cref="AuditDurability.Durable"/> (default): a <c>tools/call</c> result is released only once its audit
    /// record has committed. <see cref="AuditDurability.Async"/>: records are written in the background after the
    /// answer, faster, but a crash can lose the last acknowledged calls from the trail.
    /// </summary>
    public AuditDurability Durability { get; set; } = AuditDurability.Durable;
}
