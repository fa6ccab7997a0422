namespace Portico.Storage;

/// <summary>
/// A read-through cache that follows its data: an entry is loaded from the store on a miss (in a scope of its
/// own) and dropped when a change of a followed topic arrives — raised by this instance's save or, through
/// <see cref="StoreChangeListener"/>, by another instance or the CLI — never on a timer. A load that raced a
/// change is returned but not kept, so nothing read before a change outlives it.
/// </summary>
internal sealed class InvalidatingCache<TKey, TValue> : IDisposable
    where TKey : notnull
{
    private readonly StoreChanges _changes;
    private readonly IServiceScopeFactory _scopes;
    private readonly Func<IServiceProvider, TKey, CancellationToken, Task<TValue>> _load;
    private readonly Func<TValue, bool> _keep;
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, TValue> _cached;
    private readonly List<IDisposable> _subscriptions = [];
    private long _generation;

    /// <param name="keep">Which loaded values are kept (e.g. not the misses of ids anyone can make up); all by default.</param>
    public InvalidatingCache(StoreChanges changes, IServiceScopeFactory scopes, Func<IServiceProvider, TKey, CancellationToken, Task<TValue>> load,
        IEqualityComparer<TKey>? comparer = null, Func<TValue, bool>? keep = null)
    {
        _changes = changes;
        _scopes = scopes;
        _load = load;
        _keep = keep ?? (_ => true);
        _cached = new Dictionary<TKey, TValue>(comparer);
    }

    /// <summary>Raised after a change dropped entries: the topic and subject of the change.</summary>
    public event Action<StoreTopic, string>? Dropped;

    /// <summary>A change of <paramref name="topic"/> drops the entry whose key its subject names.</summary>
    public InvalidatingCache<TKey, TValue> DropOn(StoreTopic topic, Func<string, TKey> keyOf)
        => Follow(topic, (subject, cached) => cached.Remove(keyOf(subject)));

    /// <summary>A change of <paramref name="topic"/> drops every entry <paramref name="affects"/> says it touches.</summary>
    public InvalidatingCache<TKey, TValue> DropWhere(StoreTopic topic, Func<string, TKey, bool> affects)
        => Follow(topic, (subject, cached) =>
        {
            foreach (var key in cached.Keys.Where(k => affects(subject, k)).ToList())
            {
                cached.Remove(key);
            }
        });

    /// <summary>A change of <paramref name="topic"/> drops everything (any entry may hold what it changed).</summary>
    public InvalidatingCache<TKey, TValue> ClearOn(StoreTopic topic) => Follow(topic, (_, cached) => cached.Clear());

    public async ValueTask<TValue> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        long generation;
        lock (_lock)
        {
            if (_cached.TryGetValue(key, out var cached))
            {
                return cached;
            }

            generation = _generation;
        }

        TValue value;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            value = await _load(scope.ServiceProvider, key, cancellationToken);
        }

        lock (_lock)
        {
            // A change raced the read: do not keep what may be the old value.
            if (generation == _generation && _keep(value))
            {
                _cached[key] = value;
            }
        }

        return value;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }

    private InvalidatingCache<TKey, TValue> Follow(StoreTopic topic, Action<string, Dictionary<TKey, TValue>> drop)
    {
        var subscription = _changes.Subscribe(topic, subject =>
        {
            lock (_lock)
            {
                _generation++;
                drop(subject, _cached);
            }

            Dropped?.Invoke(topic, subject);
        });
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return this;
    }
}
