namespace Portico.Gateway;

/// <summary>A connection in use: while leased it is neither closed for idleness nor to make room.</summary>
internal readonly struct UpstreamLease(UpstreamConnection connection, TimeProvider time) : IDisposable
{
    public UpstreamConnection Connection => connection;

    public void Dispose() => connection.Release(time.GetUtcNow());
}
