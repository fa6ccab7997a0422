using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary><c>portico clients add | list | remove</c> on a fresh store, and against a running server that uses what the CLI writes.</summary>
public sealed class ClientsCliTests : IDisposable
{
    private readonly CliSandbox _cli = new();

    [Fact]
    public async Task Clients_add_list_and_remove_with_json_print_a_confidential_secret_once()
    {
        var confidential = await _cli.RunAsync("clients", "add", "--name", "Acme back end", "--confidential", "--redirect-uri", "https://acme.example/callback",
            "--scopes", "portico/records.read,portico/records.write", "--json");
        var cli = await _cli.RunAsync("clients", "add", "--name", "Acme CLI", "--public", "--redirect-uri", "http://127.0.0.1/callback", "--json");
        var text = await _cli.RunAsync("clients", "add", "--name", "TV", "--public", "--grant-types", "device_code");
        var list = await _cli.RunAsync("clients", "list", "--json");
        var table = await _cli.RunAsync("clients", "list");

        Assert.True(confidential.ExitCode == 0, confidential.Error);
        var secret = (string)confidential.Json["clientSecret"]!;
        Assert.StartsWith("pcs_", secret, StringComparison.Ordinal);
        Assert.Contains("not shown again", confidential.Error, StringComparison.Ordinal);
        Assert.Equal("confidential", (string?)confidential.Json["type"]);
        Assert.Equal("client_secret_basic", (string?)confidential.Json["tokenEndpointAuthMethod"]);
        Assert.Equal(["authorization_code", "refresh_token"], confidential.Json["grantTypes"]!.AsArray().Select(g => (string)g!));
        Assert.True((bool)confidential.Json["verified"]!);
        Assert.False((bool)confidential.Json["introspection"]!);
        Assert.Equal("portico/records.read portico/records.write", (string?)confidential.Json["scope"]);
        Assert.Equal("public", (string?)cli.Json["type"]);
        Assert.Null(cli.Json["clientSecret"]);
        Assert.Equal(["authorization_code", "refresh_token"], cli.Json["grantTypes"]!.AsArray().Select(g => (string)g!));
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("Registered public OAuth client 'TV'", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", text.Output, StringComparison.Ordinal);
        Assert.Equal(["Acme back end", "Acme CLI", "TV"], list.Json.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal(DeviceFlow.GrantType, (string?)list.Json[2]!["grantTypes"]![0]);
        Assert.DoesNotContain(secret, list.Output + table.Output, StringComparison.Ordinal);
        Assert.Contains("device_code", table.Output, StringComparison.Ordinal);

        var confidentialId = (string)confidential.Json["clientId"]!;
        var removed = await _cli.RunAsync("clients", "remove", "--client-id", confidentialId);
        var again = await _cli.RunAsync("clients", "remove", "--client-id", confidentialId, "--json");
        var after = await _cli.RunAsync("clients", "list", "--json");

        Assert.Equal(0, removed.ExitCode);
        Assert.Contains($"Removed OAuth client {confidentialId}", removed.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Equal($"No OAuth client '{confidentialId}'.", (string?)again.Json["error"]);
        Assert.Equal(["Acme CLI", "TV"], after.Json.AsArray().Select(c => (string)c!["name"]!));
    }

    [Theory]
    [InlineData("pass exactly one of --public or --confidential", "--name", "X", "--redirect-uri", "http://127.0.0.1/cb")]
    [InlineData("pass exactly one of --public or --confidential", "--name", "X", "--public", "--confidential", "--redirect-uri", "http://127.0.0.1/cb")]
    [InlineData("client_credentials needs a confidential client", "--name", "X", "--public", "--grant-types", "client_credentials")]
    [InlineData("uses http on a non-loopback host", "--name", "X", "--public", "--redirect-uri", "http://acme.example/cb")]
    [InlineData("redirect_uris is required for the authorization_code grant", "--name", "X", "--confidential", "--grant-types", "authorization_code")]
    [InlineData("grant_type 'implicit' is not supported", "--name", "X", "--public", "--redirect-uri", "http://127.0.0.1/cb", "--grant-types", "implicit")]
    [InlineData("has no grant to use", "--name", "X", "--public")]
    [InlineData("has no grant to use", "--name", "X", "--confidential")]
    [InlineData("needs --service-principal and --tenant", "--name", "X", "--confidential", "--grant-types", "client_credentials", "--scopes", "records.read")]
    [InlineData("only for a client_credentials client", "--name", "X", "--confidential", "--redirect-uri", "https://acme.example/cb", "--tenant", "t1")]
    [InlineData("is not a member of tenant", "--name", "X", "--confidential", "--service-principal", "svc@acme.example", "--tenant", "t1", "--scopes", "records.read")]
    [InlineData("--introspection needs a confidential client", "--name", "X", "--public", "--redirect-uri", "http://127.0.0.1/cb", "--introspection")]
    [InlineData("--auth-method none does not fit a confidential client", "--name", "X", "--confidential", "--auth-method", "none")]
    [InlineData("portico/recrods.read", "--name", "X", "--public", "--redirect-uri", "http://127.0.0.1/cb", "--scopes", "portico/recrods.read")]
    public async Task Clients_add_refuses_bad_registrations_with_an_error_and_a_hint(string says, params string[] args)
    {
        var result = await _cli.RunAsync(["clients", "add", .. args]);
        var list = await _cli.RunAsync("clients", "list", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(says, result.Error, StringComparison.Ordinal);
        Assert.Contains("hint: ", result.Error, StringComparison.Ordinal);
        Assert.Empty(list.Json.AsArray());
    }

    [Fact]
    public async Task Confidential_client_added_by_the_cli_works_at_once_on_a_running_server_and_removing_it_revokes_its_tokens()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var member = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "members", "add", "--tenant", server.TenantId, "--user", "svc@acme.example");
        Assert.True(member.ExitCode == 0, member.Error);
        var added = await CliSandbox.RunOnStoreAsync(server.Settings.Store,
            "clients", "add", "--name", "Acme back end", "--confidential", "--redirect-uri", OAuthFlow.RedirectUri, "--service-principal", "svc@acme.example",
            "--tenant", server.TenantId, "--scopes", "portico/records.read", "--json");
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal(["authorization_code", "refresh_token", "client_credentials"], added.Json["grantTypes"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(server.TenantId, (string?)added.Json["tenantId"]);
        var clientId = (string)added.Json["clientId"]!;
        var basic = $"{clientId}:{(string)added.Json["clientSecret"]!}";

        var (machineStatus, machine) = await flow.TokenAsync(basic, ("grant_type", "client_credentials"), ("scope", "portico/records.read"));
        Assert.True(machineStatus == HttpStatusCode.OK, machine.ToJsonString());
        Assert.Equal("portico/records.read", machine["scope"]!.GetValue<string>());
        Assert.Equal(server.TenantId, (string?)Jwt.Part(machine["access_token"]!.GetValue<string>(), 1)["tenant_id"]);
        Assert.Equal((string?)added.Json["serviceUserId"], (string?)Jwt.Part(machine["access_token"]!.GetValue<string>(), 1)["sub"]);
        OAuthAssert.Error(await flow.TokenAsync($"{clientId}:pcs_wrong", ("grant_type", "client_credentials")), HttpStatusCode.Unauthorized, "invalid_client", "wrong client_secret");

        var code = OAuthFlow.Query(await flow.AuthorizeAsync(clientId, "portico/records.read"))["code"];
        var (userStatus, user) = await flow.TokenAsync(basic, ("grant_type", "authorization_code"), ("code", code), ("code_verifier", flow.Verifier),
            ("redirect_uri", OAuthFlow.RedirectUri));
        Assert.True(userStatus == HttpStatusCode.OK, user.ToJsonString());
        var mcp = flow.Mcp(user["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await mcp.PostAsync(McpHttp.Initialize())).Status);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<OAuthClientRecord>().SingleAsync(c => c.Id == clientId, TestContext.Current.CancellationToken);
            Assert.Equal(Secrets.Hash((string)added.Json["clientSecret"]!), row.SecretHash);
        }

        var removed = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "clients", "remove", "--client-id", clientId);
        Assert.Equal(0, removed.ExitCode);
        var refused = await Eventually.ReturnsAsync(() => mcp.PostAsync(McpHttp.Initialize()), r => r.Status != HttpStatusCode.OK,
            "the removed client's access token to be refused");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        OAuthAssert.Error(await flow.TokenAsync(basic, ("grant_type", "refresh_token"), ("refresh_token", user["refresh_token"]!.GetValue<string>())),
            HttpStatusCode.Unauthorized, "invalid_client", "Unknown client");
    }

    public void Dispose() => _cli.Dispose();
}
