using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Portico.Telemetry;

/// <summary>
/// Portico's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named "Portico": what an operator
/// subscribes to (OTLP, <c>/metrics</c>) and what the tests listen to. Static, as the runtime's own sources are, so a
/// feature records without being handed a service.
/// </summary>
internal static class PorticoTelemetry
{
    public const string Name = "Portico";

    public static readonly ActivitySource Source = new(Name, typeof(PorticoTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(PorticoTelemetry).Assembly.GetName().Version?.ToString());
}
