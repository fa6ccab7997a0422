using System.CommandLine;
using Portico.Cli;

namespace Portico.Tests.Cli;

/// <summary>What a new operator trips over in the first ten minutes with the CLI (issue 15).</summary>
public sealed class FirstTenMinutesCliTests : IDisposable
{
    private readonly CliSandbox _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task An_argument_starting_with_at_is_an_argument_not_a_response_file()
    {
        var added = await _cli.RunAsync("upstreams", "add", "--name", "memory", "--command", "npx", "--arg", "-y", "--arg", "@modelcontextprotocol/server-memory",
            "--disabled", "--json");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal(["-y", "@modelcontextprotocol/server-memory"], added.Json["args"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public async Task A_typo_in_an_option_is_refused_with_error_hint_and_exit_code_2()
    {
        var refused = await _cli.RunAsync("tenants", "create", "--nmae", "Acme");

        Assert.Equal(2, refused.ExitCode);
        var lines = refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("--nmae", lines[0], StringComparison.Ordinal);
        Assert.Equal("hint: See 'portico tenants create --help' for the options and arguments it takes.", lines[1]);
        Assert.Equal(2, lines.Length);
        Assert.Empty(refused.Output);
    }

    [Fact]
    public async Task A_parse_error_in_json_mode_is_also_json_on_stdout()
    {
        var refused = await _cli.RunAsync("keys", "create", "--json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--user", (string?)refused.Json["error"], StringComparison.Ordinal);
        Assert.Contains("portico keys create --help", (string?)refused.Json["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_names_PostgreSQL_as_a_store()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await PorticoCommandLine.InvokeAsync(PorticoCommandLine.Create(), ["serve", "--help"],
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("PostgreSQL URL postgres://USER:PASSWORD@HOST:5432/DB", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_create_for_an_unknown_user_is_refused_and_creates_no_user()
    {
        var tenantId = await _cli.CreateTenantAsync();

        var refused = await _cli.RunAsync("keys", "create", "--user", "alcie@example.com", "--tenant", tenantId);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error: No user 'alcie@example.com', so no key was created.", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"hint: Add the user to a tenant first: portico members add --tenant {tenantId} --user alcie@example.com", refused.Error, StringComparison.Ordinal);
        var keys = await _cli.RunAsync("keys", "list", "--json");
        Assert.Empty(keys.Json.AsArray());
        var users = await _cli.RunAsync("keys", "list", "--user", "alcie@example.com");
        Assert.Equal(2, users.ExitCode);
    }

    [Fact]
    public async Task Members_add_again_without_role_keeps_the_role_and_says_so()
    {
        var tenantId = await _cli.CreateTenantAsync();
        await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com", "--role", "admin");

        var again = await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "Alice@Example.com");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already a member of tenant", again.Error, StringComparison.Ordinal);
        Assert.Contains("with role admin; nothing was changed", again.Error, StringComparison.Ordinal);
        Assert.Contains("--role ROLE", again.Error, StringComparison.Ordinal);
        var list = await _cli.RunAsync("tenants", "list", "--json");
        Assert.Equal("admin", (string?)list.Json.AsArray().Single()!["members"]!.AsArray().Single()!["role"]);
    }

    [Fact]
    public async Task Members_add_with_an_explicit_role_changes_it_and_prints_the_change()
    {
        var tenantId = await _cli.CreateTenantAsync();
        await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com", "--role", "owner");
        await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "bob@example.com", "--role", "owner");

        var changed = await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "bob@example.com", "--role", "member");
        var same = await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "bob@example.com", "--role", "member");

        Assert.Equal(0, changed.ExitCode);
        Assert.Equal($"bob@example.com is a member of tenant {tenantId} with role member (was owner).", changed.Output.Trim());
        Assert.Equal($"bob@example.com is a member of tenant {tenantId} with role member (unchanged).", same.Output.Trim());
    }

    [Fact]
    public async Task A_command_on_a_store_that_does_not_exist_says_where_it_creates_it()
    {
        var first = await _cli.RunAsync("tenants", "list");
        var second = await _cli.RunAsync("tenants", "list");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"note: no store at {_cli.Store}; creating a new, empty one there.", first.Error, StringComparison.Ordinal);
        Assert.Contains("--store", first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", second.Error, StringComparison.Ordinal);
    }
}
