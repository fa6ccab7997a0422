using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>
/// The standard request headers of the 2026-07-28 revision (SEP-2243): <c>Mcp-Method</c> mirrors the body's method
/// on every request and notification, <c>Mcp-Name</c> the name, URI or task id the request acts on. Load balancers,
/// gateways and audit logs in front of Portico may act on the headers while Portico acts on the body, so a request
/// whose two sources disagree is refused: it never runs under a name other than the one it was routed and
/// authorized as. Values are compared exactly (they are case-sensitive); header names are not.
/// </summary>
internal static class McpStandardHeaders
{
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";

    /// <summary>The params member <c>Mcp-Name</c> mirrors, per method; methods not listed send no <c>Mcp-Name</c>.</summary>
    private static readonly Dictionary<string, string> NamedBy = new(StringComparer.Ordinal)
    {
        [RequestMethods.ToolsCall] = "name",
        [RequestMethods.PromptsGet] = "name",
        [RequestMethods.ResourcesRead] = "uri",
        // The tasks extension (SEP-2663) names the task its requests act on.
        ["tasks/get"] = "taskId",
        ["tasks/update"] = "taskId",
        ["tasks/cancel"] = "taskId",
    };

    public static McpRequestRefusal? Check(IHeaderDictionary headers, string method, JsonNode? parameters)
    {
        if (!headers.TryGetValue(MethodHeader, out var methodValues))
        {
            return Mismatch($"Header mismatch: the Mcp-Method header is missing; the body's method is '{McpHeaderValue.Quote(method)}'.",
                $"Send 'Mcp-Method: {McpHeaderValue.Quote(method)}' with every request and notification of protocol version {McpProtocol.StatelessRevision}.");
        }

        var sentMethod = McpHeaderValue.Read(MethodHeader, methodValues);
        if (sentMethod.Problem is { } methodProblem)
        {
            return Mismatch($"Header mismatch: {methodProblem}", $"Send 'Mcp-Method: {McpHeaderValue.Quote(method)}', once.");
        }

        if (!string.Equals(sentMethod.Decoded, method, StringComparison.Ordinal))
        {
            return Mismatch($"Header mismatch: Mcp-Method is '{McpHeaderValue.Quote(sentMethod.Decoded)}' but the body's method is '{McpHeaderValue.Quote(method)}'.",
                "Send the body's method in Mcp-Method exactly as written in the body (values are case-sensitive).");
        }

        if (!NamedBy.TryGetValue(method, out var member)
            || parameters is not JsonObject parameterObject
            || parameterObject[member] is not JsonValue bodyValue
            || !bodyValue.TryGetValue<string>(out var bodyName))
        {
            // Nothing to mirror; a request that lacks the member itself is refused by the params check with -32602.
            return null;
        }

        if (!headers.TryGetValue(NameHeader, out var nameValues))
        {
            return Mismatch($"Header mismatch: the Mcp-Name header is missing; '{method}' requests mirror params.{member}, which is '{McpHeaderValue.Quote(bodyName)}'.",
                $"Send 'Mcp-Name' with the value of params.{member} (Base64-encoded as =?base64?…?= when it is not plain ASCII).");
        }

        var sentName = McpHeaderValue.Read(NameHeader, nameValues);
        if (sentName.Problem is { } nameProblem)
        {
            return Mismatch($"Header mismatch: {nameProblem}", $"Send Mcp-Name once, with the value of params.{member}.");
        }

        return string.Equals(sentName.Decoded, bodyName, StringComparison.Ordinal)
            ? null
            : Mismatch($"Header mismatch: Mcp-Name is '{McpHeaderValue.Quote(sentName.Decoded)}' but params.{member} is '{McpHeaderValue.Quote(bodyName)}'.",
                $"Send the same value in Mcp-Name and params.{member}; a request is never run under a name other than the one its headers carry.");
    }

    public static McpRequestRefusal Mismatch(string message, string hint)
        => new(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch, message, hint);
}
