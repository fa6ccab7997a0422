namespace Portico.Hosting;

/// <summary>Bound from <c>Portico:Shutdown</c>.</summary>
internal sealed class ShutdownOptions
{
    public const string SectionName = "Portico:Shutdown";

    /// <summary>
    /// On SIGTERM, how long to keep serving while <c>/health/ready</c> already answers 503, so a load
    /// balancer moves traffic away before the listener closes. In-flight calls then drain and the
    /// buffered writers (audit, usage counters) flush.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;
}
