namespace Portico.Access;

/// <summary>Bound from <c>Portico:Metrics</c>: who may read <c>/metrics</c> besides a credential with <c>portico/metrics</c>.</summary>
internal sealed class MetricsAccessOptions
{
    public const string SectionName = "Portico:Metrics";

    /// <summary>A scraper on this host (a loopback connection, not relayed for a remote client) needs no credential.</summary>
    public bool Loopback { get; set; } = true;
}
