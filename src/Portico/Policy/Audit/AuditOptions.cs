namespace Portico.Policy.Audit;

/// <summary>Bound from <c>Portico:Audit</c>.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Portico:Audit";

    /// <summary>Records older than this are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Store the (redacted) arguments of each call, not only their size.</summary>
    public bool RecordArguments { get; set; } = true;
}
