using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Portico.Tests.TestSupport;

/// <summary>A raw HTTP answer from /mcp with its JSON-RPC messages (from a JSON body or SSE events).</summary>
internal sealed record McpHttpResponse(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, string Body, IReadOnlyList<JsonObject> Messages)
{
    public string Allow { get; init; } = "";

    public string? SessionId => Headers.TryGetValues("Mcp-Session-Id", out var values) ? values.First() : null;

    public string? RequestId => Headers.TryGetValues("X-Request-Id", out var values) ? values.First() : null;

    /// <summary>The single JSON-RPC message of the answer (a response or an error).</summary>
    public JsonObject Single => Messages.Count == 1 ? Messages[0] : throw new InvalidOperationException($"Expected one message, got {Messages.Count}: {Body}");

    /// <summary>The final response (the one with an id), skipping notifications streamed before it.</summary>
    public JsonObject Final => Messages.Last(m => m.ContainsKey("id"));

    public static async Task<McpHttpResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var messages = new List<JsonObject>();
        if (contentType == "text/event-stream")
        {
            foreach (var data in SseParser.DataOf(body))
            {
                if (data.Length > 0 && JsonNode.Parse(data) is JsonObject message)
                {
                    messages.Add(message);
                }
            }
        }
        else if (body.Length > 0 && contentType == "application/json" && JsonNode.Parse(body) is JsonObject single)
        {
            messages.Add(single);
        }

        return new McpHttpResponse(response.StatusCode, response.Headers, contentType, body, messages) { Allow = string.Join(", ", response.Content.Headers.Allow) };
    }
}
