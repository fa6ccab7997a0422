using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Portal;

/// <summary>The portal site with the gateway's settings of the gateway tests: fast health checks, loopback http upstreams allowed.</summary>
internal static class UpstreamPortal
{
    public static Task<PortalSite> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portico:Gateway:HealthCheckInterval"] = "00:00:00.200",
            ["Portico:Gateway:HealthCheckTimeout"] = "00:00:05",
            // A check slowed by a loaded machine must not take an upstream down mid-test.
            ["Portico:Gateway:FailureThreshold"] = "100",
            ["Portico:Outbound:Upstreams:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Upstreams:AllowHttp"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return PortalSite.StartAsync(settings);
    }

    /// <summary>Runs <paramref name="action"/> with a service of <paramref name="server"/> in a scope of its own.</summary>
    public static async Task<T> WithAsync<TService, T>(PorticoTestServer server, Func<TService, Task<T>> action)
        where TService : notnull
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
