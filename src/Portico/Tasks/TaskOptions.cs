namespace Portico.Tasks;

/// <summary>Settings of the tasks extension, bound from <c>Portico:Tasks</c>.</summary>
internal sealed class TaskOptions
{
    public const string SectionName = "Portico:Tasks";

    /// <summary>How long a task stays readable from its creation (its <c>ttlMs</c>); a task that ends later stays a while after it ends.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a finished task stays readable at least, even when its TTL ran out while it ran.</summary>
    public TimeSpan MinimumRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The polling interval suggested to clients (<c>pollIntervalMs</c>).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long an instance's claim on a running task holds without renewal. The instance renews it every third of this;
    /// a task whose lease ran out lost its instance (killed, or cut off from the store) and is failed by the sweeper.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sweeper (one instance at a time) fails orphaned tasks and prunes expired ones.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tasks one principal may have working or waiting at once; past it, calls are answered directly instead.</summary>
    public int MaxActivePerOwner { get; set; } = 100;
}
