using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.Gateway;

/// <summary>
/// A small Streamable HTTP MCP server on real Kestrel (JSON responses, no sessions) with one tool,
/// <c>whoami</c>, that answers with the <c>Authorization</c> header of the request that called it
/// (or, when there is none, its <c>X-Api-Key</c> header).
/// Any request carrying a header value in <see cref="Reject"/>'s set is answered 401, as an upstream
/// that revoked a token would.
/// </summary>
internal sealed class CredentialEchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _rejected = new(StringComparer.Ordinal);

    private CredentialEchoUpstream(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

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

    /// <summary>Lets every waiting <c>hold</c> call answer.</summary>
    public void ReleaseHeld() => _release.TrySetResult();

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    public static async Task<CredentialEchoUpstream> StartAsync(bool requireCredential = false, bool sessions = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new CredentialEchoUpstream(app) { RequireCredential = requireCredential, Sessions = sessions };
        app.MapPost("/mcp", (Delegate)upstream.HandleAsync);
        app.MapGet("/mcp", () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed));
        app.MapDelete("/mcp", (HttpContext context) =>
        {
            if (!sessions)
            {
                return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
            }

            upstream.Closed.Enqueue(Credential(context));
            return Results.Ok();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        upstream.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
        return upstream;
    }

    /// <summary>From now on, requests whose Authorization header is <paramref name="authorization"/> get 401.</summary>
    public void Reject(string authorization) => _rejected[authorization] = 0;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>How many requests reached it at all (initialize and pings included).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The raw value of header <c>X-Api-Key</c> of each request that carried one.</summary>
    public ConcurrentQueue<string> ApiKeyHeaders { get; } = new();

    private int _requests;

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.TryGetValue("X-Api-Key", out var apiKey))
        {
            ApiKeyHeaders.Enqueue(apiKey.ToString());
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (_rejected.ContainsKey(authorization) || (RequireCredential && authorization.Length == 0 && context.Request.Headers["X-Api-Key"].Count == 0))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
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
            "initialize" => new JsonObject
            {
                ["protocolVersion"] = (string?)request["params"]?["protocolVersion"] ?? "2025-11-25",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "credential-echo", ["version"] = "1.0.0" },
            },
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = "whoami",
                        ["description"] = "Answers with the Authorization header it received.",
                        ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
                        ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
                    },
                    new JsonObject
                    {
                        ["name"] = "hold",
                        ["description"] = "Answers once the test releases it.",
                        ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
                        ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
                    }),
            },
            "tools/call" when (string?)request["params"]?["name"] == "hold" => await HoldAsync(),
            "tools/call" => Call(Credential(context)),
            _ => new JsonObject(),
        };
        var response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result };
        return Results.Text(response.ToJsonString(), "application/json");
    }

    private static string Credential(HttpContext context)
        => context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : context.Request.Headers["X-Api-Key"].ToString();

    private async Task<JsonObject> HoldAsync()
    {
        Interlocked.Increment(ref _held);
        await _release.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Interlocked.Decrement(ref _held);
        return new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "released" }) };
    }

    private JsonObject Call(string credential)
    {
        Calls.Enqueue(credential);
        return new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = credential }) };
    }
}
