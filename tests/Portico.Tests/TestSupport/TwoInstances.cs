using Microsoft.Extensions.DependencyInjection;

namespace Portico.Tests.TestSupport;

/// <summary>
/// The suite's two-instance fixture: two Portico servers on one store, as behind a load balancer without sticky
/// sessions. <see cref="A"/> owns the store; <see cref="B"/> is its peer (same API key and tenant, its own clock, caches
/// and change listener). Each comes with a client authenticated with the API key. Disposing stops B, then A.
/// </summary>
internal sealed class TwoInstances : IAsyncDisposable
{
    private TwoInstances(PorticoTestServer a, PorticoTestServer b)
    {
        A = a;
        B = b;
        ClientA = a.CreateClient();
        ClientB = b.CreateClient();
        ViaA = new McpHttp(ClientA);
        ViaB = new McpHttp(ClientB);
    }

    public PorticoTestServer A { get; }

    public PorticoTestServer B { get; }

    public HttpClient ClientA { get; }

    public HttpClient ClientB { get; }

    /// <summary>Raw Streamable HTTP to A's /mcp with the API key.</summary>
    public McpHttp ViaA { get; }

    /// <summary>Raw Streamable HTTP to B's /mcp with the API key.</summary>
    public McpHttp ViaB { get; }

    /// <summary>Starts A (as <see cref="PorticoTestServer.StartAsync"/> would), then B on A's store.</summary>
    public static async Task<TwoInstances> StartAsync(IReadOnlyDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null)
    {
        var a = await PorticoTestServer.StartAsync(configuration: configuration, services: services);
        try
        {
            return new TwoInstances(a, await a.StartPeerAsync());
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ClientA.Dispose();
        ClientB.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
