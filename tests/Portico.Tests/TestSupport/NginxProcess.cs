using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Portico.Tests.TestSupport;

/// <summary>
/// A real nginx (Debian's, as deploy/cluster.sh runs it) on a free loopback port, unprivileged: its own prefix, pid,
/// logs and temp paths in a temp directory, in the foreground (daemon off) as a child of the test, stopped on dispose.
/// The server block's directives (locations, proxy_pass, ...) and the files under its root are the test's.
/// A machine without nginx fails the test: scripts/install-prereqs.sh installs it, as CI does.
/// </summary>
internal sealed class NginxProcess : IAsyncDisposable
{
    private static readonly string[] Locations = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"];

    private readonly Process _process;
    private readonly string _directory;

    private NginxProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    public Uri BaseAddress { get; }

    public Uri Url(string path) => new(BaseAddress, path);

    /// <param name="locations">Directives of the one <c>server</c> block (its root is a directory holding <paramref name="files"/>).</param>
    /// <param name="files">Files under the server's root by relative path, e.g. a site's <c>index.html</c>.</param>
    public static async Task<NginxProcess> StartAsync(string locations, IReadOnlyDictionary<string, string>? files = null)
    {
        var nginx = Locations.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed: run scripts/install-prereqs.sh (apt-get install nginx-light). This test needs the real nginx and is not skipped without it.");
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", "nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        Directory.CreateDirectory(Path.Combine(directory, "html"));
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "html", path), text, TestContext.Current.CancellationToken);
        }

        var port = LoopbackPort.Free();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{directory}}/tmp/client_body;
                proxy_temp_path {{directory}}/tmp/proxy;
                fastcgi_temp_path {{directory}}/tmp/fastcgi;
                uwsgi_temp_path {{directory}}/tmp/uwsgi;
                scgi_temp_path {{directory}}/tmp/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    server_name _;
                    root {{directory}}/html;
            {{locations}}
                }
            }
            """, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo(nginx) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", directory + "/", "-c", config, "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var host = new NginxProcess(process, directory, port);
        try
        {
            await Eventually.AssertAsync(async () =>
            {
                if (process.HasExited)
                {
                    Assert.Fail($"nginx exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()} {await File.ReadAllTextAsync(Path.Combine(directory, "error.log"))}");
                }

                using var socket = new TcpClient();
                try
                {
                    await socket.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, $"nginx to listen on 127.0.0.1:{port}");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Only this nginx: its master process and its worker (the tree of the process this test started).
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker still closing a log file; the temp directory is cleaned with the rest.
        }
    }
}
