// MCP9005: sampling is deprecated by 2026-07-28 but is what session revisions (2025-11-25) use; the relay is under test.
#pragma warning disable MCP9005
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Mcp;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tools.Conformance;

namespace Portico.Tests.Mcp;

/// <summary>
/// Sampling and elicitation behind a round-robin balancer: the tool's request to the client goes out on
/// the stream of the instance running the call, and the client's answer lands on whichever instance the
/// balancer picks next. The C# SDK client sees every call succeed.
/// </summary>
public sealed class ServerRequestsAcrossInstancesTests
{
    [Fact]
    public async Task Sampling_and_elicitation_answers_reach_the_instance_that_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddMcpPack<ConformancePack>());
        var (a, b) = (pair.A, pair.B);
        var balancer = new RoundRobinHandler([a.McpEndpoint, b.McpEndpoint]);
        using var http = new HttpClient(balancer);
        await using var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = a.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {a.ApiKey}" },
        }, http);
        var samples = 0;
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, _, _) =>
                {
                    Interlocked.Increment(ref samples);
                    var prompt = request!.Messages.Single().Content.OfType<TextContentBlock>().Single().Text;
                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Role = Role.Assistant,
                        Model = "test-model",
                        Content = [new TextContentBlock { Text = $"echo: {prompt}" }],
                    });
                },
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, System.Text.Json.JsonElement>
                    {
                        ["username"] = System.Text.Json.JsonDocument.Parse("\"ada\"").RootElement,
                        ["email"] = System.Text.Json.JsonDocument.Parse("\"ada@example.com\"").RootElement,
                    },
                }),
            },
        }, cancellationToken: ct);

        for (var i = 0; i < 6; i++)
        {
            var sampled = await client.CallToolAsync("test_sampling", new Dictionary<string, object?> { ["prompt"] = $"question {i}" }, cancellationToken: ct);
            Assert.NotEqual(true, sampled.IsError);
            Assert.Equal($"LLM response: echo: question {i}", Assert.IsType<TextContentBlock>(Assert.Single(sampled.Content)).Text);

            var elicited = await client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Who are you?" }, cancellationToken: ct);
            Assert.NotEqual(true, elicited.IsError);
            Assert.Contains("ada@example.com", Assert.IsType<TextContentBlock>(elicited.Content[0]).Text, StringComparison.Ordinal);
        }

        Assert.Equal(6, samples);
        // Both instances took requests, and answers crossed between them.
        Assert.True(balancer.Sent[0] > 5 && balancer.Sent[1] > 5, $"requests per instance: {balancer.Sent[0]}, {balancer.Sent[1]}");

        // The answers that crossed waited in relayed_answers (woken by a change naming only the session), and each
        // row went as the instance that asked took it; the change log holds no answer.
        var store = a.Settings.Store;
        Assert.True(await TestStores.ScalarAsync(store, $"SELECT COUNT(*) FROM store_changes WHERE topic = '{McpTopics.RelayedAnswers.Name}'") > 0);
        Assert.Equal(0, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM relayed_answers"));
        Assert.Equal(0, await TestStores.ScalarAsync(store, "SELECT COUNT(*) FROM store_changes WHERE subject LIKE '%echo: question%' OR subject LIKE '%ada@example.com%'"));
    }

    [Fact]
    public async Task A_relayed_answer_nobody_takes_is_pruned_after_minutes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync();
        var now = server.Clock.GetUtcNow();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            foreach (var (id, at) in new[] { ("stale", now - SessionRequestRelay.Expiry - TimeSpan.FromSeconds(1)), ("recent", now) })
            {
                db.Set<RelayedAnswerRecord>().Add(new RelayedAnswerRecord { SessionId = id, Kind = SessionRequestRelay.Answer, RequestId = "1", Message = "{}", CreatedAt = at });
            }

            await db.SaveChangesAsync(ct);
        }

        Assert.Equal(1, await server.Services.GetRequiredService<SessionRequestRelay>().PruneAsync(ct));
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM relayed_answers WHERE session_id = 'stale'"));
        Assert.Equal(1, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM relayed_answers WHERE session_id = 'recent'"));
    }

    /// <summary>Sends each request to the next instance in turn, like a load balancer without sticky sessions.</summary>
    private sealed class RoundRobinHandler(Uri[] endpoints) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _next = -1;

        public int[] Sent { get; } = new int[endpoints.Length];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // GET (the standalone stream) stays where it is; every POST and DELETE moves on.
            if (request.Method != HttpMethod.Get)
            {
                var index = (int)((uint)Interlocked.Increment(ref _next) % endpoints.Length);
                Interlocked.Increment(ref Sent[index]);
                request.RequestUri = endpoints[index];
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
