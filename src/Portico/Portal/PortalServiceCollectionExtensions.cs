using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portico.Hosting;
using Portico.Identity;

namespace Portico.Portal;

internal static class PortalServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoPortal(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // One CSRF rule for every browser form: the Razor forms' antiforgery token is the browser session's (see BrowserAntiforgery).
        services.Replace(ServiceDescriptor.Singleton<IAntiforgery, BrowserAntiforgery>());
        services.AddHttpContextAccessor();
        services.AddScoped<PortalViewer>();
        services.AddSingleton<IBrowserRefusalPage, PortalRefusalPage>();
        services.AddHostedService<DemoSeed>();
        return services;
    }
}
