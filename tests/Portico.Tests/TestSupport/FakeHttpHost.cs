using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.TestSupport;

/// <summary>
/// The one host of the suite's fake web servers (client sites, upstream MCP servers): real Kestrel on 127.0.0.1 with
/// an ephemeral port, its routes mapped by the fake, every request recorded as it arrived.
/// </summary>
internal sealed class FakeHttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private FakeHttpHost(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request that reached the host (any method and path), in arrival order.</summary>
    public ConcurrentQueue<FakeHttpRequest> Requests { get; } = new();

    /// <summary>
    /// Cancelled when the host is disposed, before Kestrel stops: a fake that holds a request open (a site that never
    /// answers, a tool that runs until cancelled) ends it on this, so disposing does not wait out Kestrel's shutdown timeout.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts a host whose routes <paramref name="map"/> adds (Minimal API: <c>MapPost</c>, <c>Run</c>, ...).</summary>
    public static async Task<FakeHttpHost> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var host = new FakeHttpHost(app);
        app.Use((context, next) =>
        {
            host.Requests.Enqueue(new FakeHttpRequest(context.Request.Method, context.Request.Path.Value ?? "/",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return next(context);
        });
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        host.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return host;
    }

    /// <summary>Starts a host that answers every request with <paramref name="handler"/>.</summary>
    public static Task<FakeHttpHost> StartAsync(Func<HttpContext, Task> handler)
        => StartAsync(app => app.Run(context => handler(context)));

    public Uri Url(string path) => new(BaseAddress, path);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
