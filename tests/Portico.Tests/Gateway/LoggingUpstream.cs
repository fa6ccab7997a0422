using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.Gateway;

/// <summary>
/// A Streamable HTTP MCP server (no sessions) with one tool, <c>chatty</c>, that answers on an SSE stream:
/// <c>count</c> log messages <c>"{label} #i"</c> (the last one written right before the result), then the
/// result. Its calls wait until <see cref="Together"/> of them have started, so they are in flight at once.
/// </summary>
internal sealed class LoggingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    private LoggingUpstream(WebApplication app, int together)
    {
        _app = app;
        Together = together;
    }

    public Uri Url { get; private set; } = null!;

    public int Together { get; }

    public static async Task<LoggingUpstream> StartAsync(int together)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new LoggingUpstream(app, together);
        app.MapPost("/mcp", upstream.HandleAsync);
        app.MapMethods("/mcp", ["GET", "DELETE"], () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed));
        await app.StartAsync(TestContext.Current.CancellationToken);
        upstream.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");
        return upstream;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
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
            "initialize" => new JsonObject
            {
                ["protocolVersion"] = (string?)request["params"]?["protocolVersion"] ?? "2025-11-25",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject(), ["logging"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "logging-upstream", ["version"] = "1.0.0" },
            },
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray(new JsonObject
                {
                    ["name"] = "chatty",
                    ["description"] = "Logs count messages, then answers.",
                    ["inputSchema"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject { ["label"] = new JsonObject { ["type"] = "string" }, ["count"] = new JsonObject { ["type"] = "integer" } },
                    },
                    ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
                }),
            },
            _ => new JsonObject(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result }.ToJsonString());
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
        await allStarted.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
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
        await WriteAsync(context, new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id.DeepClone(),
            ["result"] = new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = label + " done" }) },
        });
    }

    private static async Task WriteAsync(HttpContext context, JsonObject message)
    {
        await context.Response.WriteAsync($"event: message\ndata: {message.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
