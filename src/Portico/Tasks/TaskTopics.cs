using Portico.Storage;

namespace Portico.Tasks;

/// <summary>The store changes the tasks feature raises and follows.</summary>
internal static class TaskTopics
{
    /// <summary>A task changed (cancelled, answered, finished); subject: the task id. The instance running it listens.</summary>
    public static readonly StoreTopic Tasks = new("task");
}
