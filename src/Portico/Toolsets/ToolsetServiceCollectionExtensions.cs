using Portico.Storage;

namespace Portico.Toolsets;

internal static class ToolsetServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoToolsets(this IServiceCollection services)
    {
        services.AddToolsetEntities();
        services.AddSingleton<ToolsetRegistry>();
        services.AddScoped<ToolsetAdmin>();
        return services.AddToolsetStoreTopics();
    }

    /// <summary>The table this feature owns (the CLI registers it too).</summary>
    public static IServiceCollection AddToolsetEntities(this IServiceCollection services)
        => services.AddStoreEntity(new ToolsetRecordConfiguration());

    /// <summary>The saves every instance's toolset endpoints follow (also registered by the CLI).</summary>
    public static IServiceCollection AddToolsetStoreTopics(this IServiceCollection services)
        => services.AddStoreChangeTopic<ToolsetRecord>(ToolsetTopics.Toolsets, t => t.Name);
}
