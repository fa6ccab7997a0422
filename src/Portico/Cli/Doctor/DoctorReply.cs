using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.Cli.Doctor;

/// <summary>
/// What one HTTP request brought back. <see cref="Status"/> is 0 when no HTTP answer came (<see cref="Error"/> says why).
/// </summary>
internal sealed record DoctorReply(int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers, string? Error)
{
    public bool Answered => Status != 0;

    public bool IsHtml => ContentType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true
        || Body.TrimStart().StartsWith('<');

    public bool IsJson => ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && Json is not null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as JSON; for an SSE answer, the last event that carries a JSON-RPC result or error.</summary>
    public JsonNode? Json { get; } = Parse(ContentType, Body);

    /// <summary>The JSON-RPC error's message, or null.</summary>
    public string? RpcError => Json?["error"]?["message"]?.GetValueKind() == JsonValueKind.String ? (string?)Json["error"]!["message"] : null;

    public JsonNode? RpcResult => Json?["result"];

    /// <summary>"HTTP 502 text/html" or "no answer: ...", for details and causes.</summary>
    public string Summary => Answered ? $"HTTP {Status}{(ContentType is null ? "" : $" {ContentType}")}" : $"no answer: {Error}";

    private static JsonNode? Parse(string? contentType, string body)
    {
        if (contentType?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            JsonNode? last = null;
            foreach (var line in body.Split('\n'))
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && TryParse(line["data:".Length..].Trim()) is { } message
                    && (message["result"] is not null || message["error"] is not null))
                {
                    last = message;
                }
            }

            return last;
        }

        return TryParse(body);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
