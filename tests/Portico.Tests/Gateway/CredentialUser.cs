using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>One user of a gateway test: their own API key, an MCP session, and the credential endpoints as that user.</summary>
internal sealed class CredentialUser : IDisposable
{
    private readonly HttpClient _client;
    private readonly McpHttp _mcp;
    private string? _session;
    private int _nextId = 10;

    private CredentialUser(string email, string apiKey, HttpClient client)
    {
        Email = email;
        ApiKey = apiKey;
        _client = client;
        _mcp = new McpHttp(client);
    }

    public string Email { get; }

    public string ApiKey { get; }

    /// <summary>The first user of the test server (owner of its tenant).</summary>
    public static CredentialUser Owner(PorticoTestServer server) => new(PorticoTestServer.UserEmail, server.ApiKey, server.CreateClient(server.ApiKey));

    /// <summary>A new user with their own key, member of the test server's tenant with <paramref name="role"/>.</summary>
    public static async Task<CredentialUser> AddAsync(PorticoTestServer server, string email, string role = "member")
    {
        await server.AdminAsync(a => a.AddMemberAsync(server.TenantId, email, role, CancellationToken.None));
        var key = await server.AdminAsync(a => a.CreateKeyAsync(email, "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        return new CredentialUser(email, key.Plaintext, server.CreateClient(key.Plaintext));
    }

    /// <summary>A user who already belongs to a tenant (e.g. another tenant's owner), with a key of their own.</summary>
    public static async Task<CredentialUser> WithKeyAsync(PorticoTestServer server, string email)
    {
        var key = await server.AdminAsync(a => a.CreateKeyAsync(email, "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        return new CredentialUser(email, key.Plaintext, server.CreateClient(key.Plaintext));
    }

    /// <summary>The same user against another instance (same key).</summary>
    public CredentialUser On(PorticoTestServer server) => new(Email, ApiKey, server.CreateClient(ApiKey));

    /// <summary>Calls a tool in this user's session; returns the call's result object.</summary>
    public async Task<JsonObject> CallAsync(string tool)
    {
        _session ??= await _mcp.InitializeAsync();
        var response = await _mcp.CallToolAsync(_session, tool, id: Interlocked.Increment(ref _nextId));
        return response.Final["result"]?.AsObject() ?? throw new InvalidOperationException("no result: " + response.Body);
    }

    /// <summary>Calls a tool with arguments in this user's session; returns the call's result object.</summary>
    public async Task<JsonObject> CallWithAsync(string tool, JsonObject arguments)
        => (await RequestAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments }));

    public async Task<HttpResponseMessage> PutAsync(string path, object body)
        => await _client.PutAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    /// <summary>Sends any request in this user's session; returns its result object.</summary>
    public async Task<JsonObject> RequestAsync(string method, JsonObject? parameters = null)
    {
        _session ??= await _mcp.InitializeAsync();
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _nextId), ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        var response = await _mcp.PostAsync(request.ToJsonString(), _session);
        return response.Final["result"]?.AsObject() ?? throw new InvalidOperationException("no result: " + response.Body);
    }

    /// <summary>The names tools/list gives this user.</summary>
    public async Task<List<string>> ToolNamesAsync()
        => [.. (await RequestAsync("tools/list"))["tools"]!.AsArray().Select(t => (string)t!["name"]!)];

    public async Task<HttpResponseMessage> PutSecretAsync(string path, string secret)
        => await _client.PutAsJsonAsync(path, new { secret }, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> DeleteAsync(string path) => _client.DeleteAsync(path, TestContext.Current.CancellationToken);

    public static string Text(JsonObject result) => (string)result["content"]![0]!["text"]!;

    public static string? ErrorCode(JsonObject result) => (string?)result["structuredContent"]?["error"]?["code"];

    public void Dispose() => _client.Dispose();
}
