using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.Policy.Schema;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// A Streamable HTTP MCP server on a <see cref="FakeHttpHost"/> (no sessions) whose tools have the schemas generators
/// really emit: <c>adopt</c> uses pydantic's <c>discriminator</c> and <c>x-*</c> keywords, <c>broken</c> has a
/// <c>$ref</c> to nothing. Calls echo their arguments and are counted, so a test can tell a call was never forwarded.
/// </summary>
internal sealed class AnnotatedSchemaUpstream : IAsyncDisposable
{
    public const string BrokenSchema = """{"type": "object", "properties": {"x": {"$ref": "#/$defs/missing"}}}""";

    private FakeHttpHost _host = null!;
    private int _calls;

    public Uri Url => _host.Url(FakeMcpMessages.Path);

    public int Calls => Volatile.Read(ref _calls);

    public static async Task<AnnotatedSchemaUpstream> StartAsync()
    {
        var upstream = new AnnotatedSchemaUpstream();
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
        if (request["id"] is not { } id)
        {
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        JsonNode result = (string?)request["method"] switch
        {
            "initialize" => FakeMcpMessages.Initialize(request, "annotated-schemas"),
            "tools/list" => FakeMcpMessages.Tools(Tool("adopt", UnknownKeywordTests.PydanticPets), Tool("broken", BrokenSchema)),
            "tools/call" => Call(request["params"]!["arguments"]),
            _ => new JsonObject(),
        };
        return FakeMcpMessages.Json(id, result);
    }

    private JsonObject Call(JsonNode? arguments)
    {
        Interlocked.Increment(ref _calls);
        return FakeMcpMessages.Text("adopted " + arguments?.ToJsonString());
    }

    private static JsonObject Tool(string name, string schema) => new()
    {
        ["name"] = name,
        ["description"] = $"The {name} tool.",
        ["inputSchema"] = JsonNode.Parse(schema),
        ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
    };
}
