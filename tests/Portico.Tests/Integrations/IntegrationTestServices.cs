using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;

namespace Portico.Tests.Integrations;

internal static class IntegrationTestServices
{
    /// <summary>Adds <see cref="IntegrationTestPack"/>, whose tools call <paramref name="service"/>.</summary>
    public static Action<IServiceCollection> Pack(Uri service) => services =>
    {
        services.AddSingleton(new IntegrationTestTarget(service));
        services.AddMcpPack<IntegrationTestPack>();
    };
}
