using Portico.Access;

namespace Portico.Health;

internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    /// <summary>
    /// The Prometheus scrape of the "Portico" meter and the runtime's: GET only, readable by
    /// <see cref="AccessPolicies.MetricsReader"/> (a scraper on this host, or a credential with <c>portico/metrics</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapPorticoMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(Path)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .RequireAuthorization(AccessPolicies.MetricsReader);
        return endpoints;
    }
}
