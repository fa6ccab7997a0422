using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>
/// A client that resumes its GET stream — after a restart, on another instance, or while the server still holds its
/// dead connection — keeps getting notifications, and never another stream's events.
/// </summary>
public sealed class StreamResumeTests
{
    [Fact]
    public async Task Resuming_with_a_pre_restart_event_id_opens_a_fresh_standalone_stream_that_gets_later_notifications()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Eventually.DefaultTimeout);
        var before = new List<string>();
        string sessionId;
        using (var client = server.CreateClient())
        {
            var mcp = new McpHttp(client);
            sessionId = await mcp.InitializeAsync();
            using (var stream = await SseStream.OpenAsync(client, sessionId, lastEventId: null, timeout.Token))
            {
                before.Add((await stream.NextAsync(timeout.Token)).Id!);
                await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro_plus", CancellationToken.None));
                var changed = await stream.NextAsync(timeout.Token);
                Assert.Contains("notifications/tools/list_changed", changed.Data, StringComparison.Ordinal);
                before.Add(changed.Id!);
            }

            before.AddRange(SseParser.Events((await mcp.CallToolAsync(sessionId, "ping")).Body).Select(e => e.Id!));
        }

        await server.RestartAsync();

        using var client2 = server.CreateClient();
        using var resumed = await SseStream.OpenAsync(client2, sessionId, lastEventId: before[1], timeout.Token);
        Assert.Equal(HttpStatusCode.OK, resumed.Status);
        var after = new List<string> { (await resumed.NextAsync(timeout.Token)).Id! };
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "basic", CancellationToken.None));
        var notification = await resumed.NextAsync(timeout.Token);
        after.Add(notification.Id!);
        after.AddRange(SseParser.Events((await new McpHttp(client2).CallToolAsync(sessionId, "ping")).Body).Select(e => e.Id!));

        Assert.Contains("notifications/tools/list_changed", notification.Data, StringComparison.Ordinal);
        Assert.Empty(after.Intersect(before));
        Assert.All(after.Concat(before), id => Assert.StartsWith(sessionId + "-", id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_id_from_another_instance_opens_a_fresh_stream_there()
    {
        await using var pair = await TwoInstances.StartAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Eventually.DefaultTimeout);
        var sessionId = await pair.ViaA.InitializeAsync();
        var here = SseParser.Events((await pair.ViaA.CallToolAsync(sessionId, "ping")).Body).Select(e => e.Id!).ToList();

        using var there = await SseStream.OpenAsync(pair.ClientB, sessionId, lastEventId: here[^1], timeout.Token);
        var first = await there.NextAsync(timeout.Token);

        Assert.Equal(HttpStatusCode.OK, there.Status);
        Assert.Equal("", first.Data);
        Assert.DoesNotContain(first.Id, here);
    }

    [Fact]
    public async Task A_resuming_GET_replaces_the_standalone_stream_the_server_still_holds()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Eventually.DefaultTimeout);
        using var client = server.CreateClient();
        var sessionId = await new McpHttp(client).InitializeAsync();
        using var stale = await SseStream.OpenAsync(client, sessionId, lastEventId: null, timeout.Token);
        var primed = await stale.NextAsync(timeout.Token);

        // The SDK primed the session's standalone stream once, on the first GET: the replacement starts silent.
        using var replacement = await SseStream.OpenAsync(client, sessionId, lastEventId: primed.Id + "-gone", timeout.Token);
        await stale.EndAsync(timeout.Token);
        await server.AdminAsync(a => a.SetPlanAsync(server.TenantId, "pro", CancellationToken.None));

        Assert.Contains("notifications/tools/list_changed", (await replacement.NextAsync(timeout.Token)).Data, StringComparison.Ordinal);
    }

    /// <summary>An open GET stream read event by event.</summary>
    private sealed class SseStream : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private SseStream(HttpResponseMessage response, StreamReader reader)
        {
            _response = response;
            _reader = reader;
        }

        public HttpStatusCode Status => _response.StatusCode;

        public static async Task<SseStream> OpenAsync(HttpClient client, string sessionId, string? lastEventId, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
            request.Headers.Add("Accept", "text/event-stream");
            request.Headers.Add("Mcp-Session-Id", sessionId);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Fail($"GET /mcp answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
        }

        public async Task<(string? Id, string Data)> NextAsync(CancellationToken cancellationToken)
        {
            var block = new System.Text.StringBuilder();
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0 && block.Length > 0)
                {
                    var parsed = SseParser.Events(block.ToString()).Single();
                    return (parsed.Id, parsed.Data);
                }

                block.Append(line).Append('\n');
            }

            throw new InvalidOperationException($"The stream ended; last block: {block}");
        }

        /// <summary>Completes when the server ends the stream (what is left is read and dropped).</summary>
        public async Task EndAsync(CancellationToken cancellationToken) => await _reader.ReadToEndAsync(cancellationToken);

        public void Dispose()
        {
            _reader.Dispose();
            _response.Dispose();
        }
    }
}
