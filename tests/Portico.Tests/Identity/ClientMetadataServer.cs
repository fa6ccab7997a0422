using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.Identity;

/// <summary>
/// A client's web site on real Kestrel (loopback): serves whatever <see cref="Serve"/> put at a path — a Client ID
/// Metadata Document, a redirect, a huge or a never-ending answer — and counts the fetches per path.
/// </summary>
internal sealed class ClientMetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private ClientMetadataServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentDictionary<string, int> Fetches { get; } = new(StringComparer.Ordinal);

    public static async Task<ClientMetadataServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ClientMetadataServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public void Serve(string path, Func<HttpContext, Task> answer) => _routes[path] = answer;

    /// <summary>A valid document at <paramref name="path"/>: its own URL as client_id, <see cref="OAuthFlow.RedirectUri"/>, public.</summary>
    public JsonObject Document(string path, string name = "Doc CLI") => new()
    {
        ["client_id"] = Url(path),
        ["client_name"] = name,
        ["redirect_uris"] = new JsonArray(OAuthFlow.RedirectUri),
        ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        ["response_types"] = new JsonArray("code"),
        ["token_endpoint_auth_method"] = "none",
    };

    public void ServeJson(string path, JsonObject document, string? cacheControl = null) => Serve(path, context =>
    {
        if (cacheControl is not null)
        {
            context.Response.Headers.CacheControl = cacheControl;
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(document.ToJsonString());
    });

    /// <summary>Answers only when the server stops: a site that never responds.</summary>
    public void ServeNothing(string path) => Serve(path, _ => Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Fetches.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_routes.TryGetValue(path, out var answer))
        {
            return answer(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
