namespace Portico.Storage;

/// <summary>
/// A change other instances (and other processes, such as the CLI) must hear about to drop
/// cached state: appended in the same store as the change itself, read by every instance.
/// </summary>
internal sealed class StoreChangeRecord
{
    public long Id { get; set; }

    /// <summary>What changed: <c>key</c>, <c>tenant</c>, <c>user</c>, <c>session</c>.</summary>
    public required string Topic { get; set; }

    public required string Subject { get; set; }

    public DateTimeOffset At { get; set; }
}
