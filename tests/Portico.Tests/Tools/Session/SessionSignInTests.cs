using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Session;

/// <summary><c>authenticate</c> and <c>check_auth_status</c>: a session signs in through the device flow and its later calls run as the approving user.</summary>
public sealed class SessionSignInTests
{
    [Fact]
    public async Task Session_signed_in_with_authenticate_and_check_auth_status_is_authorized_for_a_tool_its_key_could_not_call()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var flow = await OAuthFlow.StartAsync(server);
        var readOnly = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "ro", null, Scopes.Parse("records.read"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(readOnly.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        AssertError(await mcp.CallToolAsync(session, "write-note"), "SCOPE_NOT_ALLOWED");

        var started = Structured(await mcp.CallToolAsync(session, "authenticate", new JsonObject { ["scope"] = "portico/records.read portico/records.write" }));
        Assert.Equal(600, started["expires_in"]!.GetValue<int>());
        Assert.Equal(5, started["interval"]!.GetValue<int>());
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/oauth/device", started["verification_uri"]!.GetValue<string>());
        Assert.Equal("pending", Structured(await mcp.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var slowDown = Structured(await mcp.CallToolAsync(session, "check_auth_status"));
        Assert.Equal("slow_down", slowDown["status"]!.GetValue<string>());
        Assert.Equal(10, slowDown["interval"]!.GetValue<int>());

        var (consent, _) = await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>());
        Assert.Contains("Portico MCP session", consent, StringComparison.Ordinal);
        Assert.Contains(started["user_code"]!.GetValue<string>(), consent, StringComparison.Ordinal);
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        var approved = Structured(await mcp.CallToolAsync(session, "check_auth_status"));

        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal(PorticoTestServer.UserEmail, approved["user"]!["email"]!.GetValue<string>());
        var allowed = await mcp.CallToolAsync(session, "write-note");
        Assert.Null(allowed.Final["result"]!["isError"]);
        Assert.Equal("approved", Structured(await mcp.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());

        // The sign-in belongs to this session only, and survives a restart (restored from the store).
        var other = await mcp.InitializeAsync();
        AssertError(await mcp.CallToolAsync(other, "write-note"), "SCOPE_NOT_ALLOWED");
        await server.RestartAsync();
        Assert.Null((await mcp.CallToolAsync(session, "write-note")).Final["result"]!["isError"]);

        // Revoking the grant ends it: the session is back to its key's scopes.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var grant = await db.Set<OAuthGrantRecord>().SingleAsync(g => g.ClientId == DeviceFlow.SessionClientId);
            await scope.ServiceProvider.GetRequiredService<GrantRevocations>().RevokeAsync(db, grant.Id, CancellationToken.None);
        }

        AssertError(await mcp.CallToolAsync(session, "write-note"), "SCOPE_NOT_ALLOWED");
        Assert.Equal("signed_out", Structured(await mcp.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Check_auth_status_reports_denied_and_expired_and_the_session_keeps_its_key_scopes()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());
        using var flow = await OAuthFlow.StartAsync(server);
        var readOnly = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "ro", null, Scopes.Parse("records.read"), null, test: true, CancellationToken.None));
        using var client = server.CreateClient(readOnly.Plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        AssertError(await mcp.CallToolAsync(session, "check_auth_status"), "NOT_FOUND");

        var denied = Structured(await mcp.CallToolAsync(session, "authenticate"));
        await flow.AnswerDeviceAsync(denied["verification_uri_complete"]!.GetValue<string>(), approve: false);
        Assert.Equal("denied", Structured(await mcp.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());

        await mcp.CallToolAsync(session, "authenticate");
        server.Clock.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal("expired", Structured(await mcp.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());
        AssertError(await mcp.CallToolAsync(session, "write-note"), "SCOPE_NOT_ALLOWED");
    }

    [Fact]
    public async Task Sign_in_completed_on_one_instance_reaches_the_instance_already_serving_the_session()
    {
        await using var pair = await TwoInstances.StartAsync(services: s => s.AddGatedTestPack());
        using var flow = await OAuthFlow.StartAsync(pair.A);
        var readOnly = await pair.A.AdminAsync(x => x.CreateKeyAsync(PorticoTestServer.UserEmail, "ro", null, Scopes.Parse("records.read"), null, test: true, CancellationToken.None));
        using var clientA = pair.A.CreateClient(readOnly.Plaintext);
        using var clientB = pair.B.CreateClient(readOnly.Plaintext);
        var viaA = new McpHttp(clientA);
        var viaB = new McpHttp(clientB);
        var session = await viaA.InitializeAsync();
        AssertError(await viaB.CallToolAsync(session, "write-note"), "SCOPE_NOT_ALLOWED");

        var started = Structured(await viaA.CallToolAsync(session, "authenticate"));
        await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>());
        Assert.Equal("approved", Structured(await viaA.CallToolAsync(session, "check_auth_status"))["status"]!.GetValue<string>());

        await Eventually.AssertAsync(async () => (await viaB.CallToolAsync(session, "write-note")).Final["result"]!["isError"] is null,
            "the other instance serving the session to see the sign-in");
    }

    private static JsonObject Structured(McpHttpResponse response)
    {
        var result = response.Final["result"] ?? throw new InvalidOperationException(response.Body);
        Assert.True(result["isError"] is null, response.Body);
        return result["structuredContent"]!.AsObject();
    }

    private static void AssertError(McpHttpResponse response, string code)
    {
        var result = response.Final["result"]!;
        Assert.True(result["isError"]?.GetValue<bool>() == true, response.Body);
        Assert.Equal(code, result["structuredContent"]!["error"]!["code"]!.GetValue<string>());
    }
}
