using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>The README's first tour command, <c>curl -s http://127.0.0.1:8080/mcp</c>, with exactly the headers curl sends.</summary>
public sealed class MetadataForCurlTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    [Theory]
    [InlineData("/mcp")]
    [InlineData("/{tenant}/mcp")]
    public async Task Curls_accept_any_gets_the_metadata_not_a_stream(string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{tenant}", fixture.Server.TenantId, StringComparison.Ordinal));
        request.Headers.TryAddWithoutValidation("User-Agent", "curl/8.5.0");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("portico", (string?)body["name"]);
        Assert.Contains("initialize", (string?)body["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_explicit_event_stream_accept_asks_for_the_stream()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.TryAddWithoutValidation("Accept", "text/*, */*");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var stream = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        stream.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using var refused = await client.SendAsync(stream, TestContext.Current.CancellationToken);

        // An anonymous stream request reaches the transport, which asks for credentials instead of serving metadata.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
