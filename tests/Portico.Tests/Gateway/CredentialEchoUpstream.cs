using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// A small Streamable HTTP MCP server on a <see cref="FakeHttpHost"/> (JSON responses, no sessions) with one tool,
/// <c>whoami</c>, that answers with the <c>Authorization</c> header of the request that called it
/// (or, when there is none, its <c>X-Api-Key</c> header).
/// Any request carrying a header value in <see cref="Reject"/>'s set is answered 401, as an upstream
/// that revoked a token would.
/// </summary>
internal sealed class CredentialEchoUpstream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte> _rejected = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeHttpHost _host = null!;
    private int _held;

    public Uri Url => _host.Url(FakeMcpMessages.Path);

    /// <summary>Every credential a tools/call arrived with ("" for none), in arrival order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Answer 401 to every request without a credential (tools/list and ping included), as most per-user services do.</summary>
    public bool RequireCredential { get; init; }

    /// <summary>Hand out an <c>Mcp-Session-Id</c> at initialize, so a client that closes its session says so (DELETE, recorded in <see cref="Closed"/>).</summary>
    public bool Sessions { get; init; }

    /// <summary>The credential ("" for none) of every session a client closed with DELETE.</summary>
    public ConcurrentQueue<string> Closed { get; } = new();

    /// <summary>The credential ("" for none) of every initialize that arrived.</summary>
    public ConcurrentQueue<string> Initializes { get; } = new();

    /// <summary>How many calls of <c>hold</c> are waiting for <see cref="ReleaseHeld"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>How many requests reached it at all (initialize and pings included).</summary>
    public int Requests => _host.Requests.Count;

    /// <summary>The raw value of header <c>X-Api-Key</c> of each request that carried one.</summary>
    public IReadOnlyList<string> ApiKeyHeaders => [.. _host.Requests.Select(r => r.Headers.GetValueOrDefault("X-Api-Key")).OfType<string>()];

    /// <summary>The W3C <c>traceparent</c> header of each request that carried one.</summary>
    public IReadOnlyList<string> TraceParents => [.. _host.Requests.Select(r => r.Headers.GetValueOrDefault("traceparent")).OfType<string>()];

    /// <summary>Lets every waiting <c>hold</c> call answer.</summary>
    public void ReleaseHeld() => _release.TrySetResult();

    public static async Task<CredentialEchoUpstream> StartAsync(bool requireCredential = false, bool sessions = false)
    {
        var upstream = new CredentialEchoUpstream { RequireCredential = requireCredential, Sessions = sessions };
        upstream._host = await FakeHttpHost.StartAsync(app =>
        {
            app.MapPost(FakeMcpMessages.Path, (Delegate)upstream.HandleAsync);
            app.MapGet(FakeMcpMessages.Path, FakeMcpMessages.MethodNotAllowed);
            app.MapDelete(FakeMcpMessages.Path, (HttpContext context) =>
            {
                if (!sessions)
                {
                    return FakeMcpMessages.MethodNotAllowed();
                }

                upstream.Closed.Enqueue(Credential(context));
                return Results.Ok();
            });
        });
        return upstream;
    }

    /// <summary>From now on, requests whose Authorization header is <paramref name="authorization"/> get 401.</summary>
    public void Reject(string authorization) => _rejected[authorization] = 0;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (_rejected.ContainsKey(authorization) || (RequireCredential && authorization.Length == 0 && context.Request.Headers["X-Api-Key"].Count == 0))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var request = await FakeMcpMessages.ReadAsync(context);
        if (request["id"] is not { } id)
        {
            return Results.Accepted();
        }

        var method = (string?)request["method"];
        if (method == "initialize")
        {
            Initializes.Enqueue(Credential(context));
            if (Sessions)
            {
                context.Response.Headers["Mcp-Session-Id"] = Guid.NewGuid().ToString("N");
            }
        }

        JsonNode result = method switch
        {
            "initialize" => FakeMcpMessages.Initialize(request, "credential-echo"),
            "tools/list" => FakeMcpMessages.Tools(
                FakeMcpMessages.Tool("whoami", "Answers with the Authorization header it received."),
                FakeMcpMessages.Tool("hold", "Answers once the test releases it.")),
            "tools/call" when (string?)request["params"]?["name"] == "hold" => await HoldAsync(),
            "tools/call" => Call(Credential(context)),
            _ => new JsonObject(),
        };
        return FakeMcpMessages.Json(id, result);
    }

    private static string Credential(HttpContext context)
        => context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : context.Request.Headers["X-Api-Key"].ToString();

    private async Task<JsonObject> HoldAsync()
    {
        Interlocked.Increment(ref _held);
        await _release.Task.WaitAsync(Eventually.DefaultTimeout, _host.Stopping);
        Interlocked.Decrement(ref _held);
        return FakeMcpMessages.Text("released");
    }

    private JsonObject Call(string credential)
    {
        Calls.Enqueue(credential);
        return FakeMcpMessages.Text(credential);
    }
}
