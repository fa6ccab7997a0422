using System.Diagnostics;

namespace Portico.Tests.Gateway;

/// <summary>
/// The real upstream MCP servers of the gateway tests, installed by tests/e2e/install-upstreams.sh
/// (run once per test run). When they cannot be installed the tests fail saying why — never pass
/// without having run.
/// </summary>
internal static class UpstreamServers
{
    private static readonly Lazy<string> Directory = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Node => Path.Combine(Directory.Value, "node_modules", "node", "bin", "node");

    public static string Everything => Path.Combine(Directory.Value, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");

    public static string Memory => Path.Combine(Directory.Value, "node_modules", "@modelcontextprotocol", "server-memory", "dist", "index.js");

    private static string Install()
    {
        var script = Path.Combine(RepoRoot(), "tests", "e2e", "install-upstreams.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash to run " + script);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not finish within 5 minutes (npm install of the upstream MCP servers).");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The gateway tests need Node and npm to install their upstream MCP servers, and {script} failed (exit {process.ExitCode}):\n{stderr.Result}");
        }

        return stdout.Result.Trim().Split('\n')[^1];
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portico.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Portico.slnx not found above " + AppContext.BaseDirectory);
    }
}
