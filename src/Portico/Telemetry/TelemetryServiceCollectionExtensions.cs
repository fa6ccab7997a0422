using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portico.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Traces (HTTP in and out, one span per MCP message) and metrics. Spans are always made, so every log line and
    /// audit record has a trace id and HTTP upstreams get <c>traceparent</c>; they leave the process only when the
    /// standard <c>OTEL_EXPORTER_OTLP_*</c> variables name a collector. Metrics are always readable at <c>/metrics</c>.
    /// </summary>
    public static IServiceCollection AddPorticoTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = OtlpConfigured(configuration);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: "portico", serviceVersion: typeof(PorticoTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing.AddSource(PorticoTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                // The Prometheus exporter only answers the scrape endpoint (mapped, with its access policy, by MapPorticoMetrics).
                metrics.AddMeter(PorticoTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return services;
    }

    /// <summary>The OpenTelemetry SDK's own variables; without one of them nothing is exported (no collector is assumed on localhost).</summary>
    internal static bool OtlpConfigured(IConfiguration configuration)
        => !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);
}
