using System.Diagnostics;
using System.Net;
using System.Text;

namespace Portico.Tests.TestSupport;

/// <summary>Portico as a separate OS process (the real <c>portico serve</c>), for tests that kill it.</summary>
internal sealed class PorticoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PorticoProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<PorticoProcess> StartAsync(string storePath, int? port = null, params string[] extraArgs)
        => StartInAsync(Path.GetDirectoryName(storePath)!, storePath, port, extraArgs);

    /// <summary>Starts <c>portico serve</c> in <paramref name="workingDirectory"/> on any store (a SQLite path or a PostgreSQL connection string).</summary>
    public static Task<PorticoProcess> StartInAsync(string workingDirectory, string store, int? port = null, params string[] extraArgs)
        => StartInAsync(workingDirectory, store, new Dictionary<string, string?>(), port, extraArgs);

    /// <summary>As above, with environment variables set (a null value removes one the test process has).</summary>
    public static async Task<PorticoProcess> StartInAsync(string workingDirectory, string store, IReadOnlyDictionary<string, string?> environment, int? port = null,
        params string[] extraArgs)
    {
        port ??= LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "portico.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--store");
        start.ArgumentList.Add(store);
        foreach (var arg in extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start portico.");
        var server = new PorticoProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilHealthyAsync();
        return server;
    }

    /// <summary>SIGKILL: no graceful shutdown, no flush — what a crash or an OOM kill looks like.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container: the graceful shutdown. Returns the exit code, or null if still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The demo API key the server printed when it seeded an empty store.</summary>
    public string? PrintedApiKey => System.Text.RegularExpressions.Regex.Match(Output, @"API key \(shown once, store it now\): (ptk_\S+)") is { Success: true } match ? match.Groups[1].Value : null;

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {apiKey}");
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = CreateClient();
        await Eventually.AssertAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"portico exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, () => $"portico to answer /health with 200; it printed:\n{Output}", TimeSpan.FromSeconds(60));
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
