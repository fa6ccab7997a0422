using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Portico.Cli;

namespace Portico.Tests.TestSupport;

/// <summary>A real Portico on Kestrel (loopback, ephemeral port) with its own SQLite file.</summary>
internal sealed class PorticoTestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private WebApplication? _app;

    private PorticoTestServer(string directory, bool ownsDirectory, ServeSettings settings)
    {
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

    public static async Task<PorticoTestServer> StartAsync(bool conformance = false, IReadOnlyDictionary<string, string?>? configuration = null, string? directory = null)
    {
        var ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var settings = new ServeSettings
        {
            Urls = "http://127.0.0.1:0",
            Store = Path.Combine(directory, "portico.db"),
            Conformance = conformance,
            Configuration = configuration ?? new Dictionary<string, string?>(),
        };
        var server = new PorticoTestServer(directory, ownsDirectory, settings);
        await server.StartAppAsync();
        return server;
    }

    /// <summary>Stops gracefully and starts a new server process-equivalent on the same store and port.</summary>
    public async Task RestartAsync()
    {
        var port = BaseAddress.Port;
        await StopAppAsync();
        await StartAppAsync(port);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
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
        _app = Program.BuildServer(settings, services => services.AddSingleton<TimeProvider>(Clock));
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
