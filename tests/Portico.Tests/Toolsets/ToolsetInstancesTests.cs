using System.Net;
using System.Net.Http.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Toolsets;

/// <summary>A toolset changed through one instance changes on every instance, and the sessions on its endpoint hear list_changed.</summary>
public sealed class ToolsetInstancesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_through_instance_a_reaches_the_toolsets_sessions_on_instance_b_with_list_changed()
    {
        await using var instances = await TwoInstances.StartAsync();
        var admin = await instances.A.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        using var adminClient = instances.A.CreateClient(admin.Plaintext);
        using (var created = await adminClient.PostAsJsonAsync("/admin/api/toolsets", new { name = "duo", tools = new object[] { new { tool = "ping" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await using var onB = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(instances.B.BaseAddress, "/toolsets/duo/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {instances.B.ApiKey}" },
        }), new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: Ct);
        Assert.Equal(["ping"], (await onB.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name));
        var listChanged = 0;
        await using var registration = onB.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            Interlocked.Increment(ref listChanged);
            return ValueTask.CompletedTask;
        });

        using (var updated = await adminClient.PutAsJsonAsync("/admin/api/toolsets/duo", new { tools = new object[] { new { tool = "ping", name = "pong", title = "Pong" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        await Eventually.AssertAsync(() => Volatile.Read(ref listChanged) > 0, "notifications/tools/list_changed on instance B");
        var tool = Assert.Single(await onB.ListToolsAsync(cancellationToken: Ct));
        Assert.Equal("pong", tool.Name);
        Assert.Equal("Pong", tool.Title);
        var answer = await onB.CallToolAsync("pong", cancellationToken: Ct);
        Assert.NotEqual(true, answer.IsError);
    }
}
