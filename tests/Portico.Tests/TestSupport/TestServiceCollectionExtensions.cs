using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;

namespace Portico.Tests.TestSupport;

internal static class TestServiceCollectionExtensions
{
    public static IServiceCollection AddGatedTestPack(this IServiceCollection services) => services.AddMcpPack<GatedTestPack>();
}
