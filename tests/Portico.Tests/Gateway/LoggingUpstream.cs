using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// A Streamable HTTP MCP server on a <see cref="FakeHttpHost"/> (no sessions) with one tool, <c>chatty</c>, that answers
/// on an SSE stream: <c>count</c> log messages <c>"{label} #i"</c> (the last one written right before the result), then
/// the result. Its calls wait until <see cref="Together"/> of them have started, so they are in flight at once.
/// </summary>
internal sealed class LoggingUpstream : IAsyncDisposable
{
    private readonly object _lock = new();
    private TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;
    private FakeHttpHost _host = null!;

    private LoggingUpstream(int together) => Together = together;

    public Uri Url => _host.Url(FakeMcpMessages.Path);

    public int Together { get; }

    public static async Task<LoggingUpstream> StartAsync(int together)
    {
        var upstream = new LoggingUpstream(together);
        upstream._host = await FakeHttpHost.StartAsync(app =>
        {
            app.MapPost(FakeMcpMessages.Path, upstream.HandleAsync);
            app.MapMethods(FakeMcpMessages.Path, ["GET", "DELETE"], FakeMcpMessages.MethodNotAllowed);
        });
        return upstream;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = await FakeMcpMessages.ReadAsync(context);
        if (request["id"] is not { } id)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var method = (string?)request["method"];
        if (method == "tools/call")
        {
            await ChattyAsync(context, id, request["params"]!["arguments"]!);
            return;
        }

        JsonNode result = method switch
        {
            "initialize" => FakeMcpMessages.Initialize(request, "logging-upstream", new JsonObject { ["logging"] = new JsonObject() }),
            "tools/list" => FakeMcpMessages.Tools(FakeMcpMessages.Tool("chatty", "Logs count messages, then answers.",
                new JsonObject { ["label"] = new JsonObject { ["type"] = "string" }, ["count"] = new JsonObject { ["type"] = "integer" } })),
            _ => new JsonObject(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(FakeMcpMessages.Response(id, result).ToJsonString());
    }

    private async Task ChattyAsync(HttpContext context, JsonNode id, JsonNode arguments)
    {
        var label = (string)arguments["label"]!;
        var count = (int)arguments["count"]!;
        Task allStarted;
        lock (_lock)
        {
            allStarted = _allStarted.Task;
            if (++_started == Together)
            {
                _allStarted.TrySetResult();
                (_started, _allStarted) = (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await allStarted.WaitAsync(Eventually.DefaultTimeout, context.RequestAborted);
        for (var i = 1; i <= count; i++)
        {
            await WriteAsync(context, new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["method"] = "notifications/message",
                ["params"] = new JsonObject { ["level"] = "info", ["logger"] = "chatty", ["data"] = $"{label} #{i}" },
            });
            if (i < count)
            {
                // A fake server pacing its own messages (not a test waiting for a condition): the next one comes later.
                await Task.Delay(TimeSpan.FromMilliseconds(10), context.RequestAborted);
            }
        }

        // The result right behind the last message, in the same write: the SDK sees both at once.
        await WriteAsync(context, FakeMcpMessages.Response(id, FakeMcpMessages.Text(label + " done")));
    }

    private static async Task WriteAsync(HttpContext context, JsonObject message)
    {
        await context.Response.WriteAsync($"event: message\ndata: {message.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
