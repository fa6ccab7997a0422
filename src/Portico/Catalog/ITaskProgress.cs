namespace Portico.Catalog;

/// <summary>
/// How a tool running as a task reports how far it got: kept with the task, so <c>tasks/get</c> shows it on any instance.
/// (A progress notification has nowhere to go once the request that created the task has been answered.)
/// </summary>
internal interface ITaskProgress
{
    Task ReportAsync(double progress, double? total, string? message, CancellationToken cancellationToken);
}
