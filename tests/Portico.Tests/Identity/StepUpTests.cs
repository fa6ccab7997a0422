using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using Portico.Access;
using Portico.Policy.Audit;
using Portico.Storage;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;

namespace Portico.Tests.Identity;

/// <summary>
/// Step-up authorization: an OAuth access token lacking the scope of a tool it calls is answered HTTP 403
/// <c>insufficient_scope</c> naming the scopes to ask for; API keys keep the in-band SCOPE_NOT_ALLOWED result.
/// </summary>
public sealed class StepUpTests
{
    private static readonly JsonObject Note = new() { ["collection"] = "notes", ["data"] = new JsonObject { ["title"] = "step up" } };

    [Theory]
    [InlineData(true)]   // in a session (2025-11-25)
    [InlineData(false)]  // stateless (2026-07-28)
    public async Task A_token_with_only_records_read_calling_a_write_tool_gets_a_403_insufficient_scope_challenge(bool session)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (await flow.SignInAsync(clientId, scope: "portico/records.read"))["access_token"]!.GetValue<string>();
        var mcp = flow.Mcp(token);

        McpHttpResponse response;
        if (session)
        {
            response = await mcp.CallToolAsync(await mcp.InitializeAsync(), "create-record", Note.DeepClone().AsObject(), id: 7);
        }
        else
        {
            response = await new StatelessMcp(mcp.Client).PostAsync(StatelessMcp.CallTool("create-record", Note.DeepClone().AsObject(), id: 7));
        }

        Assert.True(response.Status == HttpStatusCode.Forbidden, response.Body);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer ", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"portico/records.read portico/records.write\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{server.BaseAddress.ToString().TrimEnd('/')}/.well-known/oauth-protected-resource/mcp\"", challenge, StringComparison.Ordinal);
        Assert.Contains("error_description=\"Insufficient scope: tool 'create-record' needs 'portico/records.write'", challenge, StringComparison.Ordinal);
        Assert.Equal("application/json", response.ContentType);
        var error = response.Single;
        Assert.Equal(7, error["id"]!.GetValue<int>());
        Assert.Equal(-32001, error["error"]!["code"]!.GetValue<int>());
        Assert.Equal("SCOPE_NOT_ALLOWED", (string?)error["error"]!["data"]!["code"]);
        Assert.Equal("portico/records.write", (string?)error["error"]!["data"]!["requiredScope"]);
        Assert.Contains("scope=\"portico/records.read portico/records.write\"", (string?)error["error"]!["data"]!["hint"], StringComparison.Ordinal);

        // The refusal is in the audit trail like any refused call.
        await server.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var audited = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuditRecord>().AsNoTracking()
                .SingleAsync(a => a.RequestId == response.RequestId, TestContext.Current.CancellationToken);
            Assert.Equal(("create-record", "error", "SCOPE_NOT_ALLOWED"), (audited.Tool, audited.Outcome, audited.ErrorCode));
        }

        // Nothing was written, and what the token does carry still works over the same credential.
        using var owner = await RecordsClient.ConnectAsync(server);
        Assert.Empty(RecordsClient.Ok(await owner.CallAsync("list-records"))["records"]!.AsArray());
        if (session)
        {
            var read = await mcp.CallToolAsync(await mcp.InitializeAsync(), "list-records", id: 8);
            Assert.Equal(HttpStatusCode.OK, read.Status);
            RecordsClient.Ok(read.Final["result"]!.AsObject());
        }
    }

    [Fact]
    public async Task A_token_carrying_the_write_scope_creates_the_record()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (await flow.SignInAsync(clientId, scope: "portico/records.read portico/records.write"))["access_token"]!.GetValue<string>();
        var mcp = flow.Mcp(token);

        var response = await mcp.CallToolAsync(await mcp.InitializeAsync(), "create-record", Note.DeepClone().AsObject());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var created = RecordsClient.Ok(response.Final["result"]!.AsObject());
        Assert.Equal("notes", (string?)created["record"]!["collection"]);
    }

    [Fact]
    public async Task An_api_key_without_the_scope_keeps_the_in_band_scope_not_allowed_result()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var readOnly = await server.AdminAsync(admin => admin.CreateKeyAsync(PorticoTestServer.UserEmail, "read only", null,
            new HashSet<string> { Scopes.Read("records") }, null, test: true, CancellationToken.None));
        using var client = await RecordsClient.ConnectAsync(server, readOnly.Plaintext);

        var response = await client.Mcp.CallToolAsync(client.SessionId, "create-record", Note.DeepClone().AsObject());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        var error = RecordsClient.Error(response.Final["result"]!.AsObject(), "SCOPE_NOT_ALLOWED");
        Assert.Equal("Tool 'create-record' is not allowed for scope 'portico/records.write'", (string?)error["message"]);
    }

    [Fact]
    public async Task The_csharp_sdk_client_steps_up_on_the_challenge_and_its_retried_call_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var statuses = new ConcurrentQueue<string>();
        using var http = new HttpClient(new StatusRecorder(statuses) { InnerHandler = new HttpClientHandler() });
        var asked = new List<string>();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = new Uri(OAuthFlow.RedirectUri),
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "C# SDK step-up" },
                // The first sign-in asks for reading records only; later ones take what the challenge names.
                ScopeSelector = scope => asked.Count == 0 ? ["portico/records.read"] : scope,
                AuthorizationCallbackHandler = async (context, _) =>
                {
                    asked.Add(OAuthFlow.Query(context.AuthorizationUri)["scope"].Replace('+', ' '));
                    var location = await flow.ApproveAsync(context.AuthorizationUri.ToString(), signIn: asked.Count == 1);
                    var query = OAuthFlow.Query(location);
                    return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
                },
            },
        }, http);
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: ct);

        var listed = await client.CallToolAsync("list-records", cancellationToken: ct);
        var created = await client.CallToolAsync("create-record", new Dictionary<string, object?> { ["collection"] = "notes", ["data"] = new { title = "after step-up" } },
            cancellationToken: ct);

        Assert.NotEqual(true, listed.IsError);
        Assert.True(created.IsError != true, JsonSerializer.Serialize(created));
        Assert.True(asked.Count == 2, string.Join(" | ", asked));
        Assert.Equal("portico/records.read", asked[0]);
        Assert.Contains("portico/records.write", asked[1].Split(' '));
        Assert.Contains("portico/records.read", asked[1].Split(' '));
        Assert.Single(statuses, s => s == "POST /mcp 403");
        using var owner = await RecordsClient.ConnectAsync(server);
        Assert.Single(RecordsClient.Ok(await owner.CallAsync("list-records"))["records"]!.AsArray());
    }

    private sealed class StatusRecorder(ConcurrentQueue<string> statuses) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            statuses.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath} {(int)response.StatusCode}");
            return response;
        }
    }
}
