using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// Log messages an upstream sends during a call reach that call's client alone, all of them (the last
/// one, written right before the result, included), even when several calls share one pooled session.
/// </summary>
public sealed class UpstreamNotificationRoutingTests
{
    private const int Messages = 5;

    [Fact]
    public async Task Two_concurrent_calls_on_one_pooled_session_each_get_exactly_their_own_log_messages()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await LoggingUpstream.StartAsync(together: 2);
        await gateway.AddAsync(new { name = "chat", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("chat");

        for (var round = 0; round < 3; round++)
        {
            // Two sessions of the same caller ride the same upstream session (before the fix too).
            using var first = gateway.Server.CreateClient();
            using var second = gateway.Server.CreateClient();
            var a = new McpHttp(first);
            var b = new McpHttp(second);
            var (sessionA, sessionB) = (await a.InitializeAsync(), await b.InitializeAsync());

            var calls = await Task.WhenAll(
                a.CallToolAsync(sessionA, "chat__chatty", new JsonObject { ["label"] = "A", ["count"] = Messages }),
                b.CallToolAsync(sessionB, "chat__chatty", new JsonObject { ["label"] = "B", ["count"] = Messages }));

            foreach (var (response, label) in calls.Zip(["A", "B"]))
            {
                Assert.Equal(label + " done", (string?)response.Final["result"]!["content"]![0]!["text"]);
                var logged = response.Messages.TakeWhile(m => !m.ContainsKey("id"))
                    .Where(m => (string?)m["method"] == "notifications/message")
                    .Select(m => (string?)m["params"]!["data"]).ToList();
                // Exactly its own messages, each once. Not their order: the SDK client does not promise to hand an upstream's notifications
                // to their handlers one at a time, and two of one call were seen to swap under load.
                Assert.Equal(Enumerable.Range(1, Messages).Select(i => $"{label} #{i}"), logged.Order(StringComparer.Ordinal));
                // Portico's own mark does not reach the client.
                Assert.DoesNotContain("io.portico", response.Body, StringComparison.Ordinal);
            }
        }
    }
}
