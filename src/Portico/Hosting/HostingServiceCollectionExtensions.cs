namespace Portico.Hosting;

internal static class HostingServiceCollectionExtensions
{
    /// <summary>What every feature may lean on: the clock, shutdown, and which host names and origins this server answers to.</summary>
    public static IServiceCollection AddPorticoHosting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.SectionName));
        services.AddOptions<HostOriginOptions>().Bind(configuration.GetSection(HostOriginOptions.SectionName));
        services.AddSingleton<HostOriginPolicy>();
        services.AddSingleton<IHttpContextFactory, RequestIdContextFactory>();
        return services;
    }
}
