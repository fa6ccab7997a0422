using Portico.Tests.Cli;

namespace Portico.Tests.Identity;

public sealed class UsersCliTests : IDisposable
{
    private readonly CliSandbox _cli = new();

    [Fact]
    public async Task Users_add_list_and_passwd_with_json_never_print_the_password()
    {
        var added = await _cli.RunAsync("users", "add", "--email", "Ada@Example.com", "--password", "first password", "--name", "Ada", "--json");
        var again = await _cli.RunAsync("users", "add", "--email", "ada@example.com", "--password", "other password");
        var changed = await _cli.RunAsync("users", "passwd", "--email", "ada@example.com", "--password", "second password", "--json");
        var list = await _cli.RunAsync("users", "list", "--json");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal("ada@example.com", (string?)added.Json["email"]);
        Assert.True((bool)added.Json["hasPassword"]!);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already has a password", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, changed.ExitCode);
        var user = Assert.Single(list.Json.AsArray())!;
        Assert.Equal("Ada", (string?)user["displayName"]);
        Assert.DoesNotContain("password\"", list.Output.Replace("hasPassword\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("second password", list.Output + changed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_add_refuses_a_short_password_with_a_hint()
    {
        var result = await _cli.RunAsync("users", "add", "--email", "bob@example.com", "--password", "short");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: The password is too short", result.Error, StringComparison.Ordinal);
        Assert.Contains("hint: Use at least 8 characters.", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
