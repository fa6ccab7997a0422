using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// The one error envelope of a failed tool call: <c>isError: true</c>, a text a model can act on
/// (message and hint), and <c>structuredContent.error = {code, message, hint, details, requestId}</c>.
/// </summary>
internal static class ToolError
{
    public static CallToolResult Result(string code, string message, string? hint, string requestId, JsonNode? details = null)
    {
        var error = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["hint"] = hint,
            ["details"] = details,
            ["requestId"] = requestId,
        };
        var text = hint is null ? $"{code}: {message}" : $"{code}: {message}\nHint: {hint}";
        return ToolResults.Structured($"{text}\n(request id: {requestId})", new JsonObject { ["error"] = error }, isError: true);
    }
}
