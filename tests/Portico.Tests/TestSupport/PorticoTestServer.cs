using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Cli;

namespace Portico.Tests.TestSupport;

/// <summary>A real Portico on Kestrel (loopback, ephemeral port) with its own SQLite file.</summary>
internal sealed class PorticoTestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private WebApplication? _app;

    private readonly Action<IServiceCollection>? _services;
    private bool _ownsStore = true;

    private PorticoTestServer(string directory, bool ownsDirectory, ServeSettings settings, Action<IServiceCollection>? services)
    {
        _services = services;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Settings = settings;
    }

    public string Directory { get; }

    public ServeSettings Settings { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri McpEndpoint => new(BaseAddress, "/mcp");

    public IServiceProvider Services => _app!.Services;

    /// <summary>The server's clock; tests move it instead of sleeping.</summary>
    public FakeClock Clock { get; } = new();

    public static async Task<PorticoTestServer> StartAsync(bool conformance = false, IReadOnlyDictionary<string, string?>? configuration = null, string? directory = null,
        Action<IServiceCollection>? services = null)
    {
        var ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var settings = new ServeSettings
        {
            Urls = "http://127.0.0.1:0",
            Store = await TestStores.CreateAsync(directory),
            Conformance = conformance,
            Configuration = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>()) { ["Portico:Access:SeedDemo"] = "false" },
        };
        var server = new PorticoTestServer(directory, ownsDirectory, settings, services);
        await server.StartAppAsync();
        var tenant = await server.AdminAsync(admin => admin.CreateTenantAsync("Test team", "basic", CancellationToken.None));
        await server.AdminAsync(admin => admin.AddMemberAsync(tenant.Id, UserEmail, "owner", CancellationToken.None));
        var key = await server.AdminAsync(admin => admin.CreateKeyAsync(UserEmail, "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        server.TenantId = tenant.Id;
        server.ApiKey = key.Plaintext;
        return server;
    }

    /// <summary>
    /// Another instance on the same store (as behind a load balancer): same API key and tenant,
    /// its own clock and caches. Disposing it leaves the store to the first.
    /// </summary>
    public async Task<PorticoTestServer> StartPeerAsync()
    {
        var peer = new PorticoTestServer(Directory, ownsDirectory: false, Settings, _services) { _ownsStore = false, ApiKey = ApiKey, TenantId = TenantId };
        await peer.StartAppAsync();
        return peer;
    }

    /// <summary>Stops gracefully and starts a new server process-equivalent on the same store and port.</summary>
    public async Task RestartAsync()
    {
        var port = BaseAddress.Port;
        await StopAppAsync();
        await StartAppAsync(port);
    }

    /// <summary>The API key of <see cref="UserEmail"/> (all scopes, member of <see cref="TenantId"/>), created at first start.</summary>
    public string ApiKey { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    public const string UserEmail = "tester@portico.test";

    /// <summary>A client that authenticates with <see cref="ApiKey"/> (pass null for none).</summary>
    public HttpClient CreateClient(string? apiKey = "")
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var key = apiKey == "" ? ApiKey : apiKey;
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }

        return client;
    }

    /// <summary>Runs <paramref name="action"/> with the server's <see cref="AccessAdmin"/>, as the CLI would.</summary>
    public async Task<T> AdminAsync<T>(Func<AccessAdmin, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AccessAdmin>());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        if (_ownsStore)
        {
            await TestStores.DropAsync(Settings.Store);
        }

        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task StartAppAsync(int port = 0)
    {
        var settings = Settings with { Urls = $"http://127.0.0.1:{port}" };
        _app = Program.BuildServer(settings, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    private async Task StopAppAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
