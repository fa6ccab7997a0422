using System.Text;
using System.Text.Json.Nodes;

namespace Portico.Tests.TestSupport;

/// <summary>Speaks raw Streamable HTTP to /mcp, for tests that need exact control of every header and byte.</summary>
internal sealed class McpHttp(HttpClient client, string path = "/mcp")
{
    public const string LatestSessionVersion = "2025-11-25";

    public HttpClient Client { get; } = client;

    public async Task<McpHttpResponse> PostAsync(string body, string? sessionId = null, string accept = "application/json, text/event-stream",
        string contentType = "application/json", string? protocolVersion = null, IDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }

        if (protocolVersion is not null)
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", protocolVersion);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Client.SendAsync(request, cancellationToken);
        return await McpHttpResponse.ReadAsync(response);
    }

    /// <summary>POSTs <paramref name="body"/> byte for byte (for bodies that are not valid UTF-8).</summary>
    public async Task<McpHttpResponse> PostBytesAsync(byte[] body, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }

        using var response = await Client.SendAsync(request, cancellationToken);
        return await McpHttpResponse.ReadAsync(response);
    }

    public async Task<McpHttpResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await Client.SendAsync(request, cancellationToken);
        return await McpHttpResponse.ReadAsync(response);
    }

    /// <summary>Initializes a session and sends notifications/initialized; returns the session id.</summary>
    public async Task<string> InitializeAsync(string protocolVersion = LatestSessionVersion, string clientName = "portico-tests")
    {
        var response = await PostAsync(Initialize(protocolVersion, clientName));
        if (response.Status != System.Net.HttpStatusCode.OK || response.SessionId is null)
        {
            throw new InvalidOperationException($"initialize failed: {(int)response.Status} {response.Body}");
        }

        var initialized = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", response.SessionId, protocolVersion: protocolVersion);
        if (initialized.Status != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"notifications/initialized failed: {(int)initialized.Status} {initialized.Body}");
        }

        return response.SessionId;
    }

    public Task<McpHttpResponse> CallToolAsync(string sessionId, string name, JsonObject? arguments = null, int id = 2, string protocolVersion = LatestSessionVersion)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = name, ["arguments"] = arguments ?? new JsonObject() },
        };
        return PostAsync(request.ToJsonString(), sessionId, protocolVersion: protocolVersion);
    }

    public static string Initialize(string protocolVersion = LatestSessionVersion, string clientName = "portico-tests", int id = 1)
        => new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "initialize",
            ["params"] = new JsonObject
            {
                ["protocolVersion"] = protocolVersion,
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = clientName, ["version"] = "1.0" },
            },
        }.ToJsonString();
}
