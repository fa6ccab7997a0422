using System.Diagnostics;
using System.Net.Sockets;

namespace Portico.Tests.Gateway;

/// <summary>server-everything in Streamable HTTP mode as an OS process on a fixed port, so a test can kill it and start it again at the same URL.</summary>
internal sealed class HttpUpstreamProcess : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = UpstreamServers.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}/mcp");

    public static async Task<HttpUpstreamProcess> StartAsync()
    {
        var upstream = new HttpUpstreamProcess();
        await upstream.StartAsync(TestContext.Current.CancellationToken);
        return upstream;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(UpstreamServers.Node, [UpstreamServers.Everything, "streamableHttp"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new InvalidOperationException($"server-everything did not listen on port {Port} within 10 s.");
    }

    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(KillAsync());
}
