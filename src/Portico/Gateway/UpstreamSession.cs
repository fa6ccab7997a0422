using ModelContextProtocol.Client;

namespace Portico.Gateway;

/// <summary>A connected client and the transport under it; both are released together.</summary>
internal sealed record UpstreamSession(McpClient Client, IAsyncDisposable? Transport) : IAsyncDisposable
{
    /// <summary>The upstream closed the session (process exited, session expired): it cannot be used again.</summary>
    public bool IsClosed => Client.Completion.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DisposeAsync();
        }
        finally
        {
            if (Transport is not null)
            {
                await Transport.DisposeAsync();
            }
        }
    }
}
