namespace Portico.Storage;

/// <summary>
/// Tells every cache that something changed. A writer records the change in the store (same
/// transaction as the change) and raises it here at once, so its own instance is never stale;
/// <see cref="StoreChangeListener"/> raises changes written by other instances and by the CLI.
/// </summary>
internal sealed class StoreChanges(TimeProvider time)
{
    public event Action<string, string>? Changed;

    /// <summary>Adds the change record to <paramref name="db"/>; it is written by the caller's SaveChanges.</summary>
    public void Record(PorticoDbContext db, string topic, string subject)
        => db.Changes.Add(new StoreChangeRecord { Topic = topic, Subject = subject, At = time.GetUtcNow() });

    /// <summary>Call after the change is committed.</summary>
    public void Raise(string topic, string subject) => Changed?.Invoke(topic, subject);
}
