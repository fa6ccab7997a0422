using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// A Streamable HTTP MCP server on a <see cref="FakeHttpHost"/> that starts slowly, as <c>npx</c> does while it downloads:
/// its first <c>initialize</c> is answered after <c>firstDelay</c> (never, when null), later ones at once. One tool, <c>hello</c>.
/// </summary>
internal sealed class SlowStartUpstream : IAsyncDisposable
{
    private readonly TimeSpan? _firstDelay;
    private FakeHttpHost _host = null!;
    private int _initializes;

    private SlowStartUpstream(TimeSpan? firstDelay) => _firstDelay = firstDelay;

    public Uri Url => _host.Url(FakeMcpMessages.Path);

    /// <summary>How many times a client began a session (each reset of a starting connection is one more).</summary>
    public int Initializes => Volatile.Read(ref _initializes);

    public static async Task<SlowStartUpstream> StartAsync(TimeSpan? firstDelay)
    {
        var upstream = new SlowStartUpstream(firstDelay);
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
        if (method == "initialize" && Interlocked.Increment(ref _initializes) == 1)
        {
            // The process is still starting: the answer comes late, or (null) not before the host stops.
            await Task.Delay(_firstDelay ?? Timeout.InfiniteTimeSpan, _host.Stopping);
        }

        JsonNode result = method switch
        {
            "initialize" => FakeMcpMessages.Initialize(request, "slow-start-upstream"),
            "tools/list" => FakeMcpMessages.Tools(FakeMcpMessages.Tool("hello", "Says hello.")),
            _ => new JsonObject(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(FakeMcpMessages.Response(id, result).ToJsonString());
    }
}
