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
/// A Streamable HTTP MCP server on real Kestrel (JSON responses, no sessions) with one tool,
/// <c>wait</c>, that runs until a <c>notifications/cancelled</c> names its request (or 30 s pass).
/// It records the id of every call it started and every cancellation it received, as they came on the wire.
/// </summary>
internal sealed class CancellationRecordingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new(StringComparer.Ordinal);

    private CancellationRecordingUpstream(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The JSON-RPC ids of the <c>wait</c> calls that arrived.</summary>
    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>The request ids and reasons of the <c>notifications/cancelled</c> that arrived.</summary>
    public ConcurrentQueue<(string RequestId, string? Reason)> Cancelled { get; } = new();

    public static async Task<CancellationRecordingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new CancellationRecordingUpstream(app);
        app.MapPost("/mcp", (Delegate)upstream.HandleAsync);
        app.MapMethods("/mcp", ["GET", "DELETE"], () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed));
        await app.StartAsync(TestContext.Current.CancellationToken);
        upstream.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
        return upstream;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        var method = (string?)request["method"];
        if (request["id"] is not { } id)
        {
            if (method == "notifications/cancelled" && request["params"]?["requestId"] is { } cancelled)
            {
                var key = cancelled.ToJsonString();
                Cancelled.Enqueue((key, (string?)request["params"]!["reason"]));
                if (_running.TryRemove(key, out var call))
                {
                    call.TrySetResult();
                }
            }

            return Results.Accepted();
        }

        JsonNode result = method switch
        {
            "initialize" => new JsonObject
            {
                ["protocolVersion"] = (string?)request["params"]?["protocolVersion"] ?? "2025-11-25",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "cancellation-recorder", ["version"] = "1.0.0" },
            },
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray(new JsonObject
                {
                    ["name"] = "wait",
                    ["description"] = "Runs until cancelled.",
                    ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
                    ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
                }),
            },
            "tools/call" => await WaitAsync(id.ToJsonString()),
            _ => new JsonObject(),
        };
        var response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result };
        return Results.Text(response.ToJsonString(), "application/json");
    }

    private async Task<JsonObject> WaitAsync(string id)
    {
        var call = _running.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Started.Enqueue(id);
        // Not RequestAborted: a dropped connection is not a cancellation in MCP; only the notification stops it.
        await Task.WhenAny(call.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        var text = call.Task.IsCompleted ? "cancelled" : "ran to the end";
        return new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }) };
    }
}
