using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using Portico.Access;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>A Portico test server with fast health checks, an admin key, and helpers to add upstreams and watch /health/vendors.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private GatewayHarness(PorticoTestServer server, string adminKey)
    {
        Server = server;
        AdminKey = adminKey;
    }

    public PorticoTestServer Server { get; }

    public string AdminKey { get; }

    public static async Task<GatewayHarness> StartAsync(TimeSpan? interval = null, int failureThreshold = 2, IReadOnlyDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portico:Gateway:HealthCheckInterval"] = (interval ?? TimeSpan.FromMilliseconds(200)).ToString("c"),
            ["Portico:Gateway:HealthCheckTimeout"] = "00:00:05",
            ["Portico:Gateway:FailureThreshold"] = failureThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The test upstreams listen on loopback over http, as an operator's local sidecars would.
            ["Portico:Outbound:Upstreams:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Upstreams:AllowHttp"] = "true",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = await PorticoTestServer.StartAsync(configuration: settings, services: services);
        var admin = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        return new GatewayHarness(server, admin.Plaintext);
    }

    public async Task AddAsync(object upstream)
    {
        using var client = Server.CreateClient(AdminKey);
        using var response = await client.PostAsJsonAsync("/admin/api/upstreams", upstream, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Adds an upstream as an operator does: <c>portico upstreams add ARGS</c> on the server's store. The only way
    /// to add a stdio upstream unless the server allows its admin API to (Portico:Gateway:AdminApiStdio).
    /// </summary>
    public async Task AddWithCliAsync(params string[] args)
    {
        var added = await CliSandbox.RunOnStoreAsync(Server.Settings.Store, ["upstreams", "add", .. args]);
        Assert.True(added.ExitCode == 0, added.Error);
    }

    /// <summary>A stdio upstream running Node with <paramref name="args"/>, added with the CLI.</summary>
    public Task AddStdioAsync(string name, params string[] args)
        => AddWithCliAsync(["--name", name, "--command", UpstreamServers.Node, .. args.SelectMany(a => new[] { "--arg", a }),
            "--env", "MEMORY_FILE_PATH=" + Path.Combine(Server.Directory, name + ".jsonl")]);

    public async Task<JsonArray> VendorsAsync()
    {
        using var client = Server.CreateClient(AdminKey); // the details (tools, failures) are for administrators
        return (await client.GetFromJsonAsync<JsonArray>("/health/vendors", TestContext.Current.CancellationToken))!;
    }

    /// <summary>Polls /health/vendors until <paramref name="condition"/> holds for the upstream (checks run every 200 ms).</summary>
    public async Task<JsonObject> WaitForVendorAsync(string name, Func<JsonObject, bool> condition, string what)
    {
        JsonObject? last = null;
        await Eventually.AssertAsync(async () =>
        {
            last = (await VendorsAsync()).OfType<JsonObject>().FirstOrDefault(v => (string?)v["name"] == name);
            return last is not null && condition(last);
        }, $"upstream '{name}' to become {what}");
        return last!;
    }

    public Task<JsonObject> WaitUpAsync(string name) => WaitForVendorAsync(name, v => (string?)v["status"] == "up" && (int)v["tools"]! > 0, "up");

    public async Task<McpClient> ConnectAsync(McpClientHandlers? handlers = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {Server.ApiKey}" },
        });
        var options = new McpClientOptions { ProtocolVersion = "2025-11-25" };
        if (handlers is not null)
        {
            options.Handlers = handlers;
        }

        return await McpClient.CreateAsync(transport, options, cancellationToken: TestContext.Current.CancellationToken);
    }

    public T Service<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
