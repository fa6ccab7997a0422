namespace Portico.Tests.Cli;

public sealed class KeysCreateCliTests : IDisposable
{
    private const string LiveKey = "^ptk_live_[0-9a-f]{16}_[A-Za-z0-9]{32}$";
    private readonly CliSandbox _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Keys_create_prints_the_key_once_and_list_never_shows_the_secret()
    {
        var tenantId = await _cli.CreateTenantAsync();
        await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com");

        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--name", "laptop", "--tenant", tenantId, "--scopes", "records.read,files", "--json");
        var text = await _cli.RunAsync("keys", "list");
        var json = await _cli.RunAsync("keys", "list", "--user", "alice@example.com", "--json");

        Assert.Equal(0, created.ExitCode);
        var key = (string)created.Json["key"]!;
        var id = (string)created.Json["id"]!;
        Assert.Matches(LiveKey, key);
        Assert.StartsWith($"ptk_live_{id}_", key, StringComparison.Ordinal);
        Assert.Equal("alice@example.com", (string?)created.Json["user"]);
        Assert.Equal(tenantId, (string?)created.Json["tenantId"]);
        Assert.Equal(["portico/files.read", "portico/files.write", "portico/records.read"], created.Json["scopes"]!.AsArray().Select(s => (string?)s));
        Assert.Null(created.Json["expiresAt"]);
        Assert.Contains("it is not shown again", created.Error, StringComparison.Ordinal);

        var secret = key[^32..];
        Assert.Equal(0, text.ExitCode);
        Assert.Contains(id, text.Output, StringComparison.Ordinal);
        Assert.Contains("laptop", text.Output, StringComparison.Ordinal);
        Assert.Contains("files,records.read", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text.Output, StringComparison.Ordinal);
        var listed = Assert.Single(json.Json.AsArray())!;
        Assert.Equal(id, (string?)listed["id"]);
        Assert.Equal(0, (long)listed["useCount"]!);
        Assert.Null(listed["revokedAt"]);
        Assert.DoesNotContain(secret, json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_create_as_text_says_to_store_the_key_now()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com");

        Assert.Equal(0, created.ExitCode);
        Assert.Single(created.Output.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line.Trim(), LiveKey));
        Assert.Contains("Store it now, it is not shown again.", created.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_create_with_test_makes_a_ptk_test_key()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--test", "--json");

        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^ptk_test_[0-9a-f]{16}_[A-Za-z0-9]{32}$", (string)created.Json["key"]!);
    }

    [Fact]
    public async Task Keys_create_with_expires_30d_expires_30_days_from_now()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--expires", "30d", "--json");

        Assert.Equal(0, created.ExitCode);
        var expiresAt = created.Json["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    public async Task Keys_create_accepts_hours_and_minutes(string expires, int minutes)
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--expires", expires, "--json");

        var expiresAt = created.Json["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(minutes - 1), TimeSpan.FromMinutes(minutes));
    }

    [Fact]
    public async Task Keys_create_accepts_an_iso_date_as_midnight_utc()
    {
        await _cli.AddMemberAsync("alice@example.com");
        var created = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", "--expires", "2099-12-31", "--json");

        Assert.Equal(new DateTimeOffset(2099, 12, 31, 0, 0, 0, TimeSpan.Zero), created.Json["expiresAt"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("--scopes", "records,bogus", "Unknown scope 'bogus'")]
    [InlineData("--expires", "soon", "'soon' is not an expiry.")]
    [InlineData("--expires", "2001-01-01", "is not in the future")]
    public async Task Keys_create_with_a_bad_argument_exits_2_with_a_hint(string option, string value, string message)
    {
        await _cli.AddMemberAsync("alice@example.com");
        var refused = await _cli.RunAsync("keys", "create", "--user", "alice@example.com", option, value, "--json");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(message, (string?)refused.Json["error"], StringComparison.Ordinal);
        Assert.Contains(option, (string?)refused.Json["hint"], StringComparison.Ordinal);
        Assert.Contains("error: ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("hint: ", refused.Error, StringComparison.Ordinal);
        Assert.Empty((await _cli.RunAsync("keys", "list", "--json")).Json.AsArray());
    }

    [Fact]
    public async Task Key_bound_to_a_tenant_the_user_is_not_a_member_of_exits_2_with_the_hint()
    {
        var tenantId = await _cli.CreateTenantAsync();
        await _cli.AddMemberAsync("carol@example.com");

        var refused = await _cli.RunAsync("keys", "create", "--user", "carol@example.com", "--tenant", tenantId);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"error: 'carol@example.com' is not a member of tenant '{tenantId}', so a key cannot be bound to it.", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"hint: Add the membership first: portico members add --tenant {tenantId} --user carol@example.com.", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ptk_", refused.Output, StringComparison.Ordinal);
    }
}
