using System.Text.Json.Nodes;

namespace Portico.Tests.Cli;

public sealed class TenantsAndMembersCliTests : IDisposable
{
    private readonly CliSandbox _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Tenants_create_on_a_fresh_store_prints_the_id_and_list_shows_it_as_json()
    {
        var created = await _cli.RunAsync("tenants", "create", "--name", "Acme");
        var list = await _cli.RunAsync("tenants", "list", "--json");

        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^[0-9a-f]{24}$", created.Output.Trim());
        Assert.Equal(0, list.ExitCode);
        var tenant = Assert.Single(list.Json.AsArray())!;
        Assert.Equal(created.Output.Trim(), (string?)tenant["id"]);
        Assert.Equal("Acme", (string?)tenant["name"]);
        Assert.Equal("basic", (string?)tenant["plan"]);
        Assert.Empty(tenant["members"]!.AsArray());
    }

    [Fact]
    public async Task Tenants_list_as_text_is_an_aligned_table()
    {
        var acme = await _cli.CreateTenantAsync("Acme");
        var longer = await _cli.CreateTenantAsync("A much longer name", "pro");

        var list = await _cli.RunAsync("tenants", "list");

        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        var planColumn = lines[0].IndexOf("PLAN", StringComparison.Ordinal);
        Assert.Equal("basic", lines.Single(l => l.StartsWith(acme, StringComparison.Ordinal))[planColumn..].Split(' ')[0]);
        Assert.Equal("pro", lines.Single(l => l.StartsWith(longer, StringComparison.Ordinal))[planColumn..].Split(' ')[0]);
    }

    [Fact]
    public async Task Tenants_plan_changes_the_plan()
    {
        var tenantId = await _cli.CreateTenantAsync();

        var changed = await _cli.RunAsync("tenants", "plan", "--tenant", tenantId, "--plan", "pro_plus", "--json");
        var list = await _cli.RunAsync("tenants", "list", "--json");

        Assert.Equal(0, changed.ExitCode);
        Assert.Equal("pro_plus", (string?)changed.Json["plan"]);
        Assert.Equal("pro_plus", (string?)list.Json[0]!["plan"]);
    }

    [Theory]
    [InlineData("tenants", "create", "--name", "Acme", "--plan", "gold")]
    [InlineData("tenants", "plan", "--tenant", "TENANT", "--plan", "gold")]
    public async Task Unknown_plan_exits_2_with_a_hint_listing_the_plans(params string[] args)
    {
        var tenantId = await _cli.CreateTenantAsync();

        var refused = await _cli.RunAsync([.. args.Select(a => a == "TENANT" ? tenantId : a), "--json"]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error: Unknown plan 'gold'.", refused.Error, StringComparison.Ordinal);
        Assert.Contains("hint: Use one of: general_shared, free, basic, pro, pro_plus.", refused.Error, StringComparison.Ordinal);
        Assert.Equal("Unknown plan 'gold'.", (string?)refused.Json["error"]);
        Assert.Contains("pro_plus", (string?)refused.Json["hint"], StringComparison.Ordinal);
        Assert.DoesNotContain(" at Portico.", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_add_and_remove_show_in_the_tenant_list()
    {
        var tenantId = await _cli.CreateTenantAsync();

        var owner = await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "Alice@Example.com", "--role", "owner", "--json");
        var member = await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "bob@example.com");
        var afterAdd = await _cli.RunAsync("tenants", "list", "--json");
        var removed = await _cli.RunAsync("members", "remove", "--tenant", tenantId, "--user", "bob@example.com", "--json");
        var afterRemove = await _cli.RunAsync("tenants", "list", "--json");

        Assert.Equal(0, owner.ExitCode);
        Assert.Equal("alice@example.com", (string?)owner.Json["user"]);
        Assert.Equal("owner", (string?)owner.Json["role"]);
        Assert.Equal(0, member.ExitCode);
        Assert.Equal(
            [("alice@example.com", "owner"), ("bob@example.com", "member")],
            afterAdd.Json[0]!["members"]!.AsArray().Select(m => ((string?)m!["user"], (string?)m["role"])));
        Assert.Equal(0, removed.ExitCode);
        Assert.Null((string?)removed.Json["role"]);
        Assert.Equal(["alice@example.com"], afterRemove.Json[0]!["members"]!.AsArray().Select(m => (string?)m!["user"]));
    }

    [Fact]
    public async Task Removing_someone_who_is_not_a_member_exits_2_with_a_hint()
    {
        var tenantId = await _cli.CreateTenantAsync();
        await _cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com");
        var other = await _cli.CreateTenantAsync("Other");

        var refused = await _cli.RunAsync("members", "remove", "--tenant", other, "--user", "alice@example.com");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"error: 'alice@example.com' is not a member of tenant '{other}'.", refused.Error, StringComparison.Ordinal);
        Assert.Contains("hint: ", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_is_an_error_with_a_hint_not_a_stack_trace()
    {
        // Nothing listens on port 1: the connection is refused at once.
        var refused = await CliSandbox.RunOnStoreAsync("postgres://user:secret@127.0.0.1:1/portico", "tenants", "list", "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cannot be used", (string?)refused.Json["error"], StringComparison.Ordinal);
        Assert.NotNull((string?)refused.Json["hint"]);
        Assert.DoesNotContain("secret", refused.Output + refused.Error, StringComparison.Ordinal);
        Assert.IsType<JsonObject>(refused.Json);
    }
}
