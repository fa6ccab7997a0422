using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>
/// A schedule trigger's next firing, and whom its runs act as (the credential that defined the schedule). Every engine
/// fires due schedules; moving <see cref="NextAt"/> by compare-and-set decides which one creates the run.
/// </summary>
internal sealed class WorkflowScheduleEntity : ITenantOwned
{
    public required string TenantId { get; set; }

    public required string WorkflowId { get; set; }

    public required string TriggerId { get; set; }

    public required string Cron { get; set; }

    /// <summary>An IANA (or Windows) time zone id, e.g. <c>Europe/Paris</c>.</summary>
    public required string TimeZone { get; set; }

    /// <summary>The input of its runs (a JSON object, as text).</summary>
    public required string Input { get; set; }

    public required string OwnerId { get; set; }

    public required string CredentialKind { get; set; }

    public string? CredentialId { get; set; }

    public required string Scopes { get; set; }

    public DateTimeOffset NextAt { get; set; }
}
