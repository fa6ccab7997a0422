using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Portal;

/// <summary>
/// Calls through the real MCP endpoint as the portal site's people, each with an API key of their own (every area scope),
/// for the observe pages' tests: the overview's charts, the sessions, the audit search and the tool catalog.
/// </summary>
internal sealed class ObserveCalls : IDisposable
{
    private readonly HttpClient _client;

    private ObserveCalls(HttpClient client) => _client = client;

    public McpHttp Mcp => new(_client);

    public static async Task<ObserveCalls> AsAsync(PortalSite site, string email)
    {
        var key = await site.Server.AdminAsync(a => a.CreateKeyAsync(email, "observe-tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        return new ObserveCalls(site.Server.CreateClient(key.Plaintext));
    }

    /// <summary>A call in a new session; returns the response (its <c>X-Request-Id</c> is the audit record's).</summary>
    public async Task<McpHttpResponse> CallAsync(string tool, JsonObject? arguments = null, string? sessionId = null)
    {
        var mcp = Mcp;
        sessionId ??= await mcp.InitializeAsync();
        return await mcp.CallToolAsync(sessionId, tool, arguments);
    }

    public void Dispose() => _client.Dispose();
}
