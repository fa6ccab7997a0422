using System.CommandLine;
using Portico.Cli;

namespace Portico.Tests.Cli;

/// <summary>A fresh SQLite store in its own temp directory, and the <c>portico</c> command run in-process against it.</summary>
internal sealed class CliSandbox : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));

    public CliSandbox() => Directory.CreateDirectory(_directory);

    /// <summary>A store file that does not exist yet: the first command creates and migrates it.</summary>
    public string Store => Path.Combine(_directory, "portico.db");

    public Task<CliResult> RunAsync(params string[] args) => RunOnStoreAsync(Store, args);

    /// <summary>Runs <c>portico ARGS --store STORE</c> with its output captured (not the process-wide console).</summary>
    public static async Task<CliResult> RunOnStoreAsync(string store, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await PorticoCommandLine.InvokeAsync(PorticoCommandLine.Create(), [.. args, "--store", store],
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Creates a tenant and returns its id.</summary>
    public async Task<string> CreateTenantAsync(string name = "Acme", string plan = "basic")
    {
        var created = await RunAsync("tenants", "create", "--name", name, "--plan", plan);
        Assert.Equal(0, created.ExitCode);
        return created.Output.Trim();
    }

    /// <summary>Makes <paramref name="email"/> a user (a member of a tenant of its own), as keys are only created for users.</summary>
    public async Task AddMemberAsync(string email)
    {
        var added = await RunAsync("members", "add", "--tenant", await CreateTenantAsync("Home of " + email), "--user", email);
        Assert.Equal(0, added.ExitCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
