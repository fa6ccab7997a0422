using Portico.Policy.Approvals;
using Portico.Policy.Audit;
using Portico.Policy.RateLimiting;
using Portico.Storage;

namespace Portico.Policy;

internal static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuditEntities();
        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.SectionName));
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName));
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName));
        services.AddSingleton<ToolRateLimiter>();
        services.AddSingleton<AuditTrail>();
        services.AddScoped<AuditSearch>();
        services.AddSingleton<AvailableTools>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        services.AddSingleton<ToolAvailability>();
        services.AddSingleton<InputRounds>();
        services.AddSingleton<ToolCallPipeline>();
        services.AddPorticoApprovals(configuration);
        return services;
    }

    public static IApplicationBuilder UsePorticoRateLimits(this IApplicationBuilder app) => app.UseMiddleware<HttpRateLimitMiddleware>();

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddAuditEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new AuditRecordConfiguration());
}
