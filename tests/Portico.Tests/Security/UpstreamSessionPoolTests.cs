using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// Upstream sessions are pooled per credential actually sent, closed when idle and capped per upstream:
/// many callers cannot make the host run a process (or hold a session) each, forever.
/// </summary>
public sealed class UpstreamSessionPoolTests
{
    private const string Me = "/admin/api/upstreams/echo/credentials/me";

    [Fact]
    public async Task Twenty_users_of_a_stdio_upstream_without_stored_credentials_share_one_process()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.WaitUpAsync("everything");
        var users = new List<CredentialUser>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                users.Add(await CredentialUser.AddAsync(gateway.Server, $"user{i}@portico.test"));
            }

            var answers = await Task.WhenAll(users.Select(u => u.CallWithAsync("everything__echo", new JsonObject { ["message"] = u.Email })));

            Assert.All(answers.Zip(users), a => Assert.Equal("Echo: " + a.Second.Email, CredentialUser.Text(a.First)));
            // Each process the gateway started for this server carries its MEMORY_FILE_PATH, under the server's own directory.
            Assert.Equal(1, ChildProcesses.WithEnvironment(gateway.Server.Directory));
        }
        finally
        {
            users.ForEach(u => u.Dispose());
        }
    }

    [Fact]
    public async Task A_session_nobody_used_for_the_idle_timeout_is_closed()
    {
        await using var gateway = await GatewayHarness.StartAsync(failureThreshold: 100, configuration: new Dictionary<string, string?>
        {
            ["Portico:Gateway:ConnectionIdleTimeout"] = "00:05:00",
        });
        await using var upstream = await CredentialEchoUpstream.StartAsync(sessions: true);
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        using var alice = CredentialUser.Owner(gateway.Server);
        using var bob = await CredentialUser.AddAsync(gateway.Server, "bob@portico.test");
        Assert.Equal(HttpStatusCode.OK, (await alice.PutSecretAsync(Me, "alice-secret")).StatusCode);
        // The health check rides the newest credential's session (bob's), which it keeps in use.
        gateway.Server.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await bob.PutSecretAsync(Me, "bob-secret")).StatusCode);
        await gateway.WaitUpAsync("echo");
        Assert.Equal("Bearer alice-secret", CredentialUser.Text(await alice.CallAsync("echo__whoami")));

        gateway.Server.Clock.Advance(TimeSpan.FromMinutes(6));

        await Eventually.AssertAsync(() => upstream.Closed.Contains("Bearer alice-secret"), "alice's idle session to be closed");
        Assert.DoesNotContain("Bearer bob-secret", upstream.Closed);
        // Her next call simply opens a new one.
        Assert.Equal("Bearer alice-secret", CredentialUser.Text(await alice.CallAsync("echo__whoami")));
        Assert.Equal(2, upstream.Initializes.Count(c => c == "Bearer alice-secret"));
    }

    [Fact]
    public async Task Beyond_the_cap_a_new_callers_session_is_refused_with_upstream_busy_while_all_are_in_use()
    {
        // One health check, when the upstream is added (before any credential exists), then none for the test's length:
        // no check opens a session with someone's credential behind the test's back.
        await using var gateway = await GatewayHarness.StartAsync(interval: TimeSpan.FromMinutes(10), failureThreshold: 100, configuration: new Dictionary<string, string?>
        {
            ["Portico:Gateway:MaxConnectionsPerUpstream"] = "1",
        });
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString(), credentialMode = "user" });
        await gateway.WaitUpAsync("echo");
        using var alice = CredentialUser.Owner(gateway.Server);
        using var bob = await CredentialUser.AddAsync(gateway.Server, "bob@portico.test");
        Assert.Equal(HttpStatusCode.OK, (await bob.PutSecretAsync(Me, "bob-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.PutSecretAsync(Me, "alice-secret")).StatusCode);

        var held = alice.CallAsync("echo__hold");
        await Eventually.AssertAsync(() => upstream.Held == 1, "alice's call to be in flight");
        var refused = await bob.CallAsync("echo__whoami");

        Assert.Equal("UPSTREAM_BUSY", CredentialUser.ErrorCode(refused));
        Assert.Contains("at most 1 sessions", (string?)refused["structuredContent"]!["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains("Portico:Gateway:MaxConnectionsPerUpstream", (string?)refused["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer bob-secret", upstream.Calls);

        // Once the session is idle again it makes room.
        upstream.ReleaseHeld();
        Assert.Equal("released", CredentialUser.Text(await held));
        Assert.Equal("Bearer bob-secret", CredentialUser.Text(await bob.CallAsync("echo__whoami")));
    }
}
