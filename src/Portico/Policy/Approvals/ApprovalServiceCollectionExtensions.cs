using Portico.Storage;

namespace Portico.Policy.Approvals;

internal static class ApprovalServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddApprovalEntities();
        services.AddOptions<ApprovalOptions>().Bind(configuration.GetSection(ApprovalOptions.SectionName));
        services.AddSingleton<ApprovalSeal>();
        services.AddSingleton<ApprovalStore>();
        services.AddSingleton<ApprovalRules>();
        services.AddSingleton<ApprovalGate>();
        services.AddHostedService<ApprovalSweeper>();
        // A rule saved anywhere reaches every instance's cache of the tenant's rules.
        return services.AddStoreChangeTopic<ApprovalRule>(ApprovalTopics.Rules, r => r.TenantId);
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddApprovalEntities(this IServiceCollection services)
        => services.AddStoreEntity(new ApprovalRecordConfiguration()).AddStoreEntity(new ApprovalRuleConfiguration());
}
