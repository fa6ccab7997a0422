using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>A Portico test server whose connectors may reach loopback over http (the test APIs), with an admin key.</summary>
internal sealed class ConnectorHarness : IAsyncDisposable
{
    private ConnectorHarness(PorticoTestServer server, string adminKey)
    {
        Server = server;
        AdminKey = adminKey;
    }

    public PorticoTestServer Server { get; }

    public string AdminKey { get; }

    /// <summary>Loopback allowed unless <paramref name="allowLoopback"/> is false (the SSRF tests keep the default policy).</summary>
    public static async Task<ConnectorHarness> StartAsync(bool allowLoopback = true, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var settings = new Dictionary<string, string?>();
        if (allowLoopback)
        {
            settings["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true";
            settings["Portico:Outbound:Connectors:AllowHttp"] = "true";
        }

        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = await PorticoTestServer.StartAsync(configuration: settings);
        var admin = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        return new ConnectorHarness(server, admin.Plaintext);
    }

    public async Task<HttpResponseMessage> AddAsync(object connector)
    {
        using var client = Server.CreateClient(AdminKey);
        return await client.PostAsJsonAsync("/admin/api/connectors", connector, TestContext.Current.CancellationToken);
    }

    public async Task<JsonObject> AddOkAsync(object connector)
    {
        using var response = await AddAsync(connector);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<McpClient> ConnectAsync(string? apiKey = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey ?? Server.ApiKey}" },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until this instance lists <paramref name="tool"/> (the loader applies store changes in the background).</summary>
    public static async Task<ModelContextProtocol.Protocol.Tool> WaitForToolAsync(McpClient client, string tool)
    {
        ModelContextProtocol.Protocol.Tool? found = null;
        await Eventually.AssertAsync(async () =>
        {
            found = (await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.ProtocolTool).FirstOrDefault(t => t.Name == tool);
            return found is not null;
        }, $"tool '{tool}' to be listed");
        return found!;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
