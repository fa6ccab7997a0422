using System.Diagnostics;
using System.Text;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>
/// The mock REST servers of the connector end-to-end tests, installed by <c>tests/e2e/connector-tools.sh</c> (idempotent:
/// the tests run it themselves; the prereqs stage of tests/run-all.sh too): Prism, which serves an OpenAPI document as a
/// mock validating every request, and json-server, a REST API with real state. Each server is an OS process on a loopback
/// port, stopped when disposed, its output kept.
/// </summary>
internal sealed class ConnectorTools : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ConnectorTools(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Everything the server printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static string E2eDirectory { get; } = FindE2e();

    private static readonly Lazy<string> Installed = new(Install);

    /// <summary>Prism serving <paramref name="document"/> as a mock; <c>--errors</c> answers a request that violates the document with 422.</summary>
    public static Task<ConnectorTools> StartPrismAsync(string document)
    {
        var port = LoopbackPort.Free();
        return StartAsync(Path.Combine(Installed.Value, "node_modules", "@stoplight", "prism-cli", "dist", "index.js"),
            ["mock", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--errors", document], port, "/__ready");
    }

    /// <summary>json-server on <paramref name="database"/> (a JSON file it reads and writes).</summary>
    public static Task<ConnectorTools> StartJsonServerAsync(string database)
    {
        var port = LoopbackPort.Free();
        return StartAsync(Path.Combine(Installed.Value, "node_modules", "json-server", "lib", "cli", "bin.js"),
            ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), database], port, "/");
    }

    private static async Task<ConnectorTools> StartAsync(string script, string[] args, int port, string probe)
    {
        var start = new ProcessStartInfo(Path.Combine(Installed.Value, "node_modules", "node", "bin", "node"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Installed.Value,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var tools = new ConnectorTools(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.AssertAsync(async () =>
            {
                Assert.False(tools._process.HasExited, $"{Path.GetFileName(script)} exited: {tools.Log}");
                try
                {
                    using var response = await http.GetAsync(new Uri(tools.BaseAddress, probe), TestContext.Current.CancellationToken);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, () => $"{Path.GetFileName(script)} to listen on port {port}: {tools.Log}");
            return tools;
        }
        catch
        {
            await tools.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static string Install()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(E2eDirectory, "connector-tools.sh"));
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && Directory.Exists(output)
            ? output
            : throw new InvalidOperationException($"tests/e2e/connector-tools.sh failed ({process.ExitCode}): {error.Result}");
    }

    private static string FindE2e()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "e2e");
            if (File.Exists(Path.Combine(candidate, "connector-tools.sh")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/e2e/connector-tools.sh was not found above the test binaries.");
    }
}
