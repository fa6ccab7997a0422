using System.Diagnostics;
using System.Net.Sockets;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>server-everything in Streamable HTTP mode as an OS process on a fixed port, so a test can kill it and start it again at the same URL.</summary>
internal sealed class HttpUpstreamProcess : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = LoopbackPort.Free();

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
        await Eventually.AssertAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"server-everything to listen on port {Port}");
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
