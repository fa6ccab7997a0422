namespace Portico.Tests.Cli;

public sealed class KeysRevokeCliTests : IDisposable
{
    private readonly CliSandbox _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Keys_revoke_marks_the_key_revoked_in_the_list()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--json");
        var id = (string)created.Json["id"]!;

        var revoked = await _cli.RunAsync("keys", "revoke", "--id", id);
        var list = await _cli.RunAsync("keys", "list", "--json");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains($"Revoked API key {id}", revoked.Output, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(list.Json.AsArray())!["revokedAt"]);
    }

    [Fact]
    public async Task Keys_revoke_accepts_the_whole_key()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--json");

        var revoked = await _cli.RunAsync("keys", "revoke", "--id", (string)created.Json["key"]!, "--json");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal((string?)created.Json["id"], (string?)revoked.Json["id"]);
        Assert.NotNull(revoked.Json["revokedAt"]);
    }

    [Theory]
    [InlineData("0123456789abcdef", "No API key '0123456789abcdef'.")]
    [InlineData("ptk_live_truncated", "That is not a whole Portico API key.")]
    public async Task Revoking_an_unknown_key_exits_2(string id, string message)
    {
        var refused = await _cli.RunAsync("keys", "revoke", "--id", id, "--json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(message, (string?)refused.Json["error"]);
        Assert.Contains("portico keys list", (string?)refused.Json["hint"], StringComparison.Ordinal);
    }
}
