using Portico.Storage;

namespace Portico.Tasks;

internal static class TasksServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTaskEntities();
        services.AddOptions<TaskOptions>().Bind(configuration.GetSection(TaskOptions.SectionName));
        services.AddSingleton<TaskStore>();
        services.AddSingleton<TaskRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskRunner>());
        services.AddSingleton<TaskSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskSweeper>());
        services.AddSingleton<TaskServer>();
        // Every saved change of a task is announced: the instance running it hears cancels and answers from any other.
        return services.AddStoreChangeTopic<TaskRecord>(TaskTopics.Tasks, t => t.Id);
    }

    /// <summary>The table this feature owns.</summary>
    public static IServiceCollection AddTaskEntities(this IServiceCollection services)
        => services.AddStoreEntity(new TaskRecordConfiguration());
}
