using System.Collections.Concurrent;

namespace Portico.Storage;

/// <summary>
/// Tells every cache that something changed. A writer records the change in the store (same
/// SaveChanges as the change) and raises it here at once, so its own instance is never stale;
/// <see cref="StoreChangeListener"/> raises changes written by other instances and by the CLI,
/// skipping those this instance already raised (which would only empty warm caches again).
/// </summary>
internal sealed class StoreChanges(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, byte> _raisedHere = new();

    public event Action<string, string>? Changed;

    /// <summary>Adds the change record to <paramref name="db"/>; it is written by the caller's SaveChanges.</summary>
    public StoreChangeRecord Record(PorticoDbContext db, string topic, string subject)
    {
        var change = new StoreChangeRecord { Topic = topic, Subject = subject, At = time.GetUtcNow() };
        db.Set<StoreChangeRecord>().Add(change);
        return change;
    }

    /// <summary>Call after the change is committed (its id is known then).</summary>
    public void Raise(StoreChangeRecord change)
    {
        _raisedHere.TryAdd(change.Id, 0);
        Changed?.Invoke(change.Topic, change.Subject);
    }

    /// <summary>Raises a change read from the store unless this instance raised it already.</summary>
    public void RaiseFromStore(StoreChangeRecord change)
    {
        if (!_raisedHere.TryRemove(change.Id, out _))
        {
            Changed?.Invoke(change.Topic, change.Subject);
        }
    }
}
