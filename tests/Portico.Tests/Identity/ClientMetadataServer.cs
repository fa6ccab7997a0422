using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// A client's web site on a <see cref="FakeHttpHost"/>: serves whatever <see cref="Serve"/> put at a path — a Client ID
/// Metadata Document, a redirect, a huge or a never-ending answer — and counts the fetches per path.
/// </summary>
internal sealed class ClientMetadataServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private FakeHttpHost _host = null!;

    public Uri BaseAddress => _host.BaseAddress;

    /// <summary>How many requests arrived per path.</summary>
    public IReadOnlyDictionary<string, int> Fetches
        => _host.Requests.GroupBy(r => r.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static async Task<ClientMetadataServer> StartAsync()
    {
        var server = new ClientMetadataServer();
        server._host = await FakeHttpHost.StartAsync(server.HandleAsync);
        return server;
    }

    public string Url(string path) => _host.Url(path).ToString();

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
    public void ServeNothing(string path) => Serve(path, _ => Task.Delay(Timeout.Infinite, _host.Stopping).ContinueWith(_ => { }, TaskScheduler.Default));

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_routes.TryGetValue(path, out var answer))
        {
            return answer(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
