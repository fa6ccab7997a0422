using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// A Streamable HTTP MCP server on a <see cref="FakeHttpHost"/> (JSON responses, no sessions) with one tool,
/// <c>wait</c>, that runs until a <c>notifications/cancelled</c> names its request (or 30 s pass).
/// It records the id of every call it started and every cancellation it received, as they came on the wire.
/// </summary>
internal sealed class CancellationRecordingUpstream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new(StringComparer.Ordinal);
    private FakeHttpHost _host = null!;

    public Uri Url => _host.Url(FakeMcpMessages.Path);

    /// <summary>The JSON-RPC ids of the <c>wait</c> calls that arrived.</summary>
    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>The request ids and reasons of the <c>notifications/cancelled</c> that arrived.</summary>
    public ConcurrentQueue<(string RequestId, string? Reason)> Cancelled { get; } = new();

    public static async Task<CancellationRecordingUpstream> StartAsync()
    {
        var upstream = new CancellationRecordingUpstream();
        upstream._host = await FakeHttpHost.StartAsync(app =>
        {
            app.MapPost(FakeMcpMessages.Path, (Delegate)upstream.HandleAsync);
            app.MapMethods(FakeMcpMessages.Path, ["GET", "DELETE"], FakeMcpMessages.MethodNotAllowed);
        });
        return upstream;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = await FakeMcpMessages.ReadAsync(context);
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
            "initialize" => FakeMcpMessages.Initialize(request, "cancellation-recorder"),
            "tools/list" => FakeMcpMessages.Tools(FakeMcpMessages.Tool("wait", "Runs until cancelled.")),
            "tools/call" => await WaitAsync(id.ToJsonString()),
            _ => new JsonObject(),
        };
        return FakeMcpMessages.Json(id, result);
    }

    private async Task<JsonObject> WaitAsync(string id)
    {
        var call = _running.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Started.Enqueue(id);
        // Not RequestAborted: a dropped connection is not a cancellation in MCP; only the notification stops it.
        await Task.WhenAny(call.Task, Task.Delay(TimeSpan.FromSeconds(30), _host.Stopping));
        return FakeMcpMessages.Text(call.Task.IsCompleted ? "cancelled" : "ran to the end");
    }
}
