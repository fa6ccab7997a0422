namespace Portico.Gateway;

/// <summary>
/// One health check of an upstream, as the instance that ran it recorded it: the history the portal shows. Pruned to the
/// newest <see cref="UpstreamHealthHistory.Kept"/> per upstream and to <see cref="UpstreamHealthHistory.MaxAge"/>.
/// </summary>
internal sealed class UpstreamHealthCheckRecord
{
    public long Id { get; set; }

    public required string Upstream { get; set; }

    /// <summary>The instance that ran the check (every instance checks every upstream; see <see cref="UpstreamHealthHistory.Instance"/>).</summary>
    public required string Instance { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    public bool Ok { get; set; }

    public long? LatencyMs { get; set; }

    /// <summary>Why it failed, or (for an oauth upstream that answered its challenge) what could not be checked.</summary>
    public string? Error { get; set; }
}
