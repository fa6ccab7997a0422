using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Gateway;
using Portico.Security;
using Portico.Storage;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>Per-user and per-tenant upstream credentials, end to end: admin API, pool keying, CREDENTIALS_MISSING, 401 handling, encryption at rest.</summary>
public sealed class UpstreamCredentialTests
{
    private const string Whoami = "echo__whoami";
    private const string Me = "/admin/api/upstreams/echo/credentials/me";

    [Fact]
    public async Task Each_user_only_ever_reaches_the_upstream_with_their_own_credential()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        await gateway.WaitUpAsync("echo");
        using var alice = CredentialUser.Owner(gateway.Server);
        using var bob = await CredentialUser.AddAsync(gateway.Server, "bob@portico.test");
        using var carol = await CredentialUser.AddAsync(gateway.Server, "carol@portico.test");
        Assert.Equal(HttpStatusCode.OK, (await alice.PutSecretAsync(Me, "alice-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.PutSecretAsync(Me, "bob-secret")).StatusCode);

        // Interleaved, one after the other.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("Bearer alice-secret", CredentialUser.Text(await alice.CallAsync(Whoami)));
            Assert.Equal("Bearer bob-secret", CredentialUser.Text(await bob.CallAsync(Whoami)));
        }

        // Concurrently: both users' calls in flight at once.
        var calls = Enumerable.Range(0, 40).Select(async i =>
        {
            var (user, expected) = i % 2 == 0 ? (alice, "Bearer alice-secret") : (bob, "Bearer bob-secret");
            return (expected, actual: CredentialUser.Text(await user.CallAsync(Whoami)));
        });
        foreach (var (expected, actual) in await Task.WhenAll(calls))
        {
            Assert.Equal(expected, actual);
        }

        Assert.Equal(60, upstream.Calls.Count);
        Assert.All(upstream.Calls, header => Assert.True(header is "Bearer alice-secret" or "Bearer bob-secret", header));

        // Carol stored nothing: told which upstream, whose credential and how to store it; the upstream never hears of her.
        var missing = await carol.CallAsync(Whoami);
        Assert.True((bool)missing["isError"]!);
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(missing));
        var error = missing["structuredContent"]!["error"]!;
        Assert.Contains("'echo'", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("your own", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains($"PUT {Me}", (string?)error["hint"], StringComparison.Ordinal);
        Assert.Contains("portico upstreams credentials set --name echo --user carol@portico.test", (string?)error["hint"], StringComparison.Ordinal);
        Assert.Equal("user", (string?)error["details"]!["credentialMode"]);
        Assert.Equal(60, upstream.Calls.Count);

        // Alice clears hers: her next call is refused the same way, Bob's still works.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync(Me)).StatusCode);
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(await alice.CallAsync(Whoami)));
        Assert.Equal("Bearer bob-secret", CredentialUser.Text(await bob.CallAsync(Whoami)));
    }

    [Fact]
    public async Task Tools_of_an_upstream_without_the_callers_credential_are_hidden_and_explained_until_it_is_stored()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        await gateway.WaitUpAsync("echo");
        using var alice = CredentialUser.Owner(gateway.Server);
        using var bob = await CredentialUser.AddAsync(gateway.Server, "bob@portico.test");
        Assert.Equal(HttpStatusCode.OK, (await alice.PutSecretAsync(Me, "alice-secret")).StatusCode);

        Assert.Contains(Whoami, await alice.ToolNamesAsync());
        Assert.DoesNotContain(Whoami, await bob.ToolNamesAsync());
        Assert.Contains("list_available_tools", await bob.ToolNamesAsync());

        var listed = (await bob.CallAsync("list_available_tools"))["structuredContent"]!;
        Assert.DoesNotContain(listed["available"]!.AsArray(), t => (string?)t!["name"] == Whoami);
        var hidden = Assert.Single(listed["unavailable"]!.AsArray(), t => (string?)t!["name"] == Whoami)!;
        Assert.Equal("CREDENTIALS_MISSING", (string?)hidden["reason"]);
        Assert.Contains($"PUT {Me}", (string?)hidden["hint"], StringComparison.Ordinal);
        Assert.Contains("portico upstreams credentials set --name echo --user bob@portico.test", (string?)hidden["hint"], StringComparison.Ordinal);
        Assert.Equal(Me, (string?)hidden["details"]!["apiPath"]);

        var details = (await bob.CallWithAsync("get_tool_details", new JsonObject { ["name"] = Whoami }))["structuredContent"]!;
        Assert.False((bool)details["available"]!);
        Assert.Equal("CREDENTIALS_MISSING", (string?)details["unavailableReason"]!["code"]);

        // Calling it anyway gets the same code, and the upstream never hears of it.
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(await bob.CallAsync(Whoami)));
        Assert.Empty(upstream.Calls);

        // Once stored, the tool is listed and works.
        Assert.Equal(HttpStatusCode.OK, (await bob.PutSecretAsync(Me, "bob-secret")).StatusCode);
        Assert.Contains(Whoami, await bob.ToolNamesAsync());
        Assert.DoesNotContain((await bob.CallAsync("list_available_tools"))["structuredContent"]!["unavailable"]!.AsArray(), t => (string?)t!["name"] == Whoami);
        Assert.Equal("Bearer bob-secret", CredentialUser.Text(await bob.CallAsync(Whoami)));
    }

    [Fact]
    public async Task An_upstream_401_marks_the_credential_invalid_until_it_is_entered_again()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        await gateway.WaitUpAsync("echo");
        using var alice = CredentialUser.Owner(gateway.Server);
        using var bob = await CredentialUser.AddAsync(gateway.Server, "bob@portico.test");
        await alice.PutSecretAsync(Me, "alice-secret");
        await bob.PutSecretAsync(Me, "bob-revoked");
        Assert.Equal("Bearer bob-revoked", CredentialUser.Text(await bob.CallAsync(Whoami)));

        upstream.Reject("Bearer bob-revoked");
        var refused = await bob.CallAsync(Whoami);
        Assert.Equal("CREDENTIALS_INVALID", CredentialUser.ErrorCode(refused));
        Assert.Contains("re-enter", (string?)refused["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        var callsBefore = upstream.Calls.Count;

        // The next call says so without sending the refused secret again; the status shows it too.
        var next = await bob.CallAsync(Whoami);
        Assert.Equal("CREDENTIALS_INVALID", CredentialUser.ErrorCode(next));
        Assert.Contains("401", (string?)next["structuredContent"]!["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains($"PUT {Me}", (string?)next["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        Assert.Equal(callsBefore, upstream.Calls.Count);
        using var status = await bob.GetAsync(Me);
        Assert.False((bool)(await status.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["valid"]!);

        // Alice is not affected; Bob re-enters a valid secret and is through again.
        Assert.Equal("Bearer alice-secret", CredentialUser.Text(await alice.CallAsync(Whoami)));
        Assert.Equal(HttpStatusCode.OK, (await bob.PutSecretAsync(Me, "bob-renewed")).StatusCode);
        Assert.Equal("Bearer bob-renewed", CredentialUser.Text(await bob.CallAsync(Whoami)));
    }

    [Fact]
    public async Task Tenant_mode_sends_the_tenants_secret_for_every_member_and_only_owners_and_admins_set_it()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "tenant" });
        await gateway.WaitUpAsync("echo");
        using var owner = CredentialUser.Owner(gateway.Server);
        using var member = await CredentialUser.AddAsync(gateway.Server, "member@portico.test");
        var tenantPath = $"/admin/api/upstreams/echo/credentials/tenant/{gateway.Server.TenantId}";

        var missing = await member.CallAsync(Whoami);
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(missing));
        Assert.Contains($"PUT {tenantPath}", (string?)missing["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        Assert.Contains($"--tenant {gateway.Server.TenantId}", (string?)missing["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutSecretAsync(tenantPath, "member-attempt")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PutSecretAsync(Me, "not-a-user-upstream")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PutSecretAsync(tenantPath, "team-secret")).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("Bearer team-secret", CredentialUser.Text(await owner.CallAsync(Whoami)));
            Assert.Equal("Bearer team-secret", CredentialUser.Text(await member.CallAsync(Whoami)));
        }
    }

    [Fact]
    public async Task An_upstream_that_answers_nothing_without_a_credential_is_checked_with_a_stored_one()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync(requireCredential: true);
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        var refused = await gateway.WaitForVendorAsync("echo", v => (int)v["consecutiveFailures"]! > 0, "checked");
        Assert.Contains("401", (string?)refused["lastError"], StringComparison.Ordinal);

        using var alice = CredentialUser.Owner(gateway.Server);
        await alice.PutSecretAsync(Me, "alice-secret");
        await gateway.WaitUpAsync("echo");
        Assert.Equal("Bearer alice-secret", CredentialUser.Text(await alice.CallAsync(Whoami)));
    }

    [Fact]
    public async Task A_credential_changed_on_one_instance_is_used_by_the_other_at_once()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var peer = await gateway.Server.StartPeerAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        await gateway.WaitUpAsync("echo");
        using var viaA = CredentialUser.Owner(gateway.Server);
        using var viaB = viaA.On(peer);
        await viaA.PutSecretAsync(Me, "first");
        await Eventually.AssertAsync(async () => (await viaB.CallAsync(Whoami)) is var r && r["isError"] is null && CredentialUser.Text(r) == "Bearer first", "the credential change reached the instance");

        // Stored through A: B decrypts it with the shared key ring and drops its session that carried the old one.
        await viaA.PutSecretAsync(Me, "second");
        await Eventually.AssertAsync(async () => CredentialUser.Text(await viaB.CallAsync(Whoami)) == "Bearer second", "the credential change reached the instance");
        Assert.Equal("Bearer second", CredentialUser.Text(await viaB.CallAsync(Whoami)));
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted_and_never_shown()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        using var alice = CredentialUser.Owner(gateway.Server);
        const string secret = "plain-text-must-not-appear-4711";
        using var stored = await alice.PutSecretAsync(Me, secret);
        var body = await stored.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        await using var scope = gateway.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var row = await db.Set<UpstreamCredentialRecord>().AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(secret, Encoding.Latin1.GetString(row.Secret), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), Encoding.Latin1.GetString(row.Secret), StringComparison.Ordinal);
        Assert.True(row.Secret.Length > secret.Length);
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Assert.True(await db.Set<DataProtectionKeyRecord>().AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_cli_sets_lists_and_clears_credentials_that_the_running_server_uses()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user", credentialHeader = "X-Api-Key" });
        await gateway.WaitUpAsync("echo");
        using var alice = CredentialUser.Owner(gateway.Server);
        var store = gateway.Server.Settings.Store;

        var set = await CliSandbox.RunOnStoreAsync(store, "upstreams", "credentials", "set", "--name", "echo", "--user", PorticoTestServer.UserEmail, "--secret", "from-cli", "--json");
        var listed = await CliSandbox.RunOnStoreAsync(store, "upstreams", "credentials", "list", "--name", "echo", "--json");
        var wrongKind = await CliSandbox.RunOnStoreAsync(store, "upstreams", "credentials", "set", "--name", "echo", "--tenant", gateway.Server.TenantId, "--secret", "x");
        var noOwner = await CliSandbox.RunOnStoreAsync(store, "upstreams", "credentials", "set", "--name", "echo", "--secret", "x", "--json");

        Assert.Equal(0, set.ExitCode);
        Assert.True((bool)JsonNode.Parse(set.Output)!["valid"]!);
        Assert.DoesNotContain("from-cli", set.Output + listed.Output, StringComparison.Ordinal);
        Assert.Equal("user", (string?)JsonNode.Parse(listed.Output)!.AsArray().Single()!["ownerKind"]);
        Assert.Equal(2, wrongKind.ExitCode);
        Assert.Contains("takes user credentials", wrongKind.Error, StringComparison.Ordinal);
        Assert.Equal(2, noOwner.ExitCode);
        Assert.Contains("--user or --tenant", (string?)JsonNode.Parse(noOwner.Output)!["error"], StringComparison.Ordinal);

        // The server decrypts what the CLI encrypted (one key ring in the store) and sends it in the configured header, as is.
        Assert.Equal("from-cli", CredentialUser.Text(await alice.CallAsync(Whoami)));

        var cleared = await CliSandbox.RunOnStoreAsync(store, "upstreams", "credentials", "clear", "--name", "echo", "--user", PorticoTestServer.UserEmail);
        Assert.Equal(0, cleared.ExitCode);
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await alice.CallAsync(Whoami)) == "CREDENTIALS_MISSING", "the credential change reached the instance");
    }

}
