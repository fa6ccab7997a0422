using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>SSE: priming events, one standalone GET per session, reconnecting, and resuming with Last-Event-ID.</summary>
public sealed class StreamTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    [Fact]
    public async Task Post_response_starts_with_a_priming_event_carrying_id_and_retry()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync();

        var response = await mcp.CallToolAsync(sessionId, "ping");
        var events = SseParser.Events(response.Body);

        Assert.Equal(2, events.Count);
        Assert.Equal("", events[0].Data);
        Assert.Equal("1000", events[0].Retry);
        Assert.StartsWith(sessionId + "-", events[0].Id, StringComparison.Ordinal);
        Assert.NotNull(events[1].Id);
    }

    [Fact]
    public async Task Lost_post_response_is_replayed_after_Last_Event_ID()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync();
        var original = await mcp.CallToolAsync(sessionId, "ping", id: 41);
        var primingId = SseParser.Events(original.Body)[0].Id!;

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Mcp-Session-Id", sessionId);
        resume.Headers.Add("Last-Event-ID", primingId);
        var replayed = await mcp.SendAsync(resume);

        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        Assert.Equal(41, (int)replayed.Single["id"]!);
        Assert.Equal("pong", (string?)replayed.Single["result"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task Resuming_an_unknown_event_or_another_sessions_event_opens_a_fresh_stream_without_replaying_it()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var theirs = await mcp.InitializeAsync();
        var theirEvent = SseParser.Events((await mcp.CallToolAsync(theirs, "ping", id: 77)).Body)[0].Id!;

        foreach (var lastEventId in new[] { theirEvent, "nonsense", "0123456789abcdef0123456789abcdef-0badc0ffee00-99-1" })
        {
            var mine = await mcp.InitializeAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Eventually.DefaultTimeout);
            using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
            resume.Headers.Add("Accept", "text/event-stream");
            resume.Headers.Add("Mcp-Session-Id", mine);
            resume.Headers.Add("Last-Event-ID", lastEventId);
            using var response = await client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            var firstEvent = new List<string>();
            while (await reader.ReadLineAsync(timeout.Token) is { Length: > 0 } line)
            {
                firstEvent.Add(line);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(firstEvent, line => line.StartsWith($"id: {mine}-", StringComparison.Ordinal));
            Assert.DoesNotContain(firstEvent, line => line.Contains("\"id\":77", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task One_standalone_stream_per_session_and_a_dropped_one_can_be_reopened()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync();

        using (var first = await OpenStreamAsync(client, sessionId))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("text/event-stream", first.Content.Headers.ContentType?.MediaType);
            using var second = await OpenStreamAsync(client, sessionId);
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }

        // The first response is disposed (client went away); the server notices and frees the slot.
        var reopened = await Eventually.ReturnsAsync(async () =>
        {
            var response = await OpenStreamAsync(client, sessionId);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                response.Dispose();
            }

            return response;
        }, r => r.StatusCode == HttpStatusCode.OK, "the server to free the stream slot of the client that went away");

        using (reopened)
        {
            Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        }
    }

    [Fact]
    public async Task Get_without_event_stream_accept_returns_public_metadata()
    {
        using var client = fixture.Server.CreateClient();
        using var response = await client.GetAsync("/mcp");
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("portico", (string?)body["name"]);
        Assert.Contains("2025-11-25", body["protocolVersions"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("/mcp", (string?)body["endpoints"]!["mcp"]);
        Assert.NotNull((string?)body["docs"]);
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, string sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Mcp-Session-Id", sessionId);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
