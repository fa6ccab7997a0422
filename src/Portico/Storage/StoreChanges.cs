using System.Collections.Concurrent;

namespace Portico.Storage;

/// <summary>
/// Tells every cache that something changed. Changes are written to <c>store_changes</c> in the same SaveChanges
/// as the data (<see cref="StoreChangeInterceptor"/>, for the entities whose feature declared a topic) and raised
/// here once committed, so the writing instance is never stale; <see cref="StoreChangeListener"/> raises changes
/// written by other instances and by the CLI, skipping those this instance already raised (which would only
/// empty warm caches again).
/// </summary>
internal sealed class StoreChanges
{
    private readonly ConcurrentDictionary<long, byte> _raisedHere = new();
    private readonly ConcurrentDictionary<string, Action<string>?> _handlers = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="onChange"/> with the subject of every change of <paramref name="topic"/>, until disposed.</summary>
    public IDisposable Subscribe(StoreTopic topic, Action<string> onChange)
    {
        _handlers.AddOrUpdate(topic.Name, onChange, (_, existing) => existing + onChange);
        return new Subscription(() => _handlers.AddOrUpdate(topic.Name, (Action<string>?)null, (_, existing) => existing - onChange));
    }

    /// <summary>Raises changes this instance committed (their ids are known then).</summary>
    public void Raise(IEnumerable<StoreChangeRecord> committed)
    {
        foreach (var change in committed)
        {
            _raisedHere.TryAdd(change.Id, 0);
            Invoke(change);
        }
    }

    /// <summary>Raises a change read from the store unless this instance raised it already.</summary>
    public void RaiseFromStore(StoreChangeRecord change)
    {
        if (!_raisedHere.TryRemove(change.Id, out _))
        {
            Invoke(change);
        }
    }

    private void Invoke(StoreChangeRecord change)
    {
        if (_handlers.TryGetValue(change.Topic, out var handlers))
        {
            handlers?.Invoke(change.Subject);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
