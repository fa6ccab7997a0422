using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Identity;
using Portico.Policy;

namespace Portico.Mcp;

/// <summary>
/// Step-up authorization (MCP 2025-11-25 authorization, runtime insufficient scope errors; RFC 6750 3.1).
/// Which MCP methods need which scope: every method needs a valid credential and nothing more, except
/// <c>tools/call</c> of a tool with a <see cref="ToolDefinition.RequiredScope"/> (e.g. <c>portico/records.write</c>;
/// a <c>.write</c> scope covers the area's <c>.read</c>), which needs that scope. <c>tools/list</c> is filtered by
/// the same gate; resources and prompts carry no scope. A caller acting with its own OAuth access token that
/// lacks the scope gets HTTP 403 before the call runs, with <c>error="insufficient_scope"</c> and the scopes to
/// ask for: the token's own plus the one needed (the revision's recommended approach, so a client that replaces
/// its scopes instead of accumulating them loses none). API keys, and a session's own sign-in (the
/// <c>authenticate</c> tool), cannot step up over HTTP: they keep the in-band <c>SCOPE_NOT_ALLOWED</c> result.
/// </summary>
internal static class ScopeChallenge
{
    /// <summary>The tool whose scope <paramref name="caller"/> lacks, when the answer is a 403 challenge; otherwise null (the pipeline decides).</summary>
    public static ToolDefinition? Find(JsonRpcMessage message, Principal caller, Principal credential, McpCatalog catalog, ToolsetView? toolset)
        => caller.Kind == Principal.OAuthKind && ReferenceEquals(caller, credential)
            && message is JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: JsonObject parameters }
            && parameters["name"] is JsonValue name && name.TryGetValue<string>(out var toolName)
            && CallTools.TryFind(catalog, null, toolset, toolName, out var tool) && ToolGate.CheckScope(tool, caller) is not null
                ? tool
                : null;

    public static Task WriteAsync(HttpContext context, IdentityUrls urls, ToolDefinition tool, Principal caller, object? id)
    {
        var required = tool.RequiredScope!;
        var scope = OAuthScopes.Format(new SortedSet<string>(caller.Scopes, StringComparer.Ordinal) { required });
        var message = $"Insufficient scope: tool '{tool.Name}' needs '{required}', which this access token does not carry.";
        context.Response.Headers.WWWAuthenticate = BearerChallenge.Format(urls.ProtectedResourceMetadata(context.Request, context.Request.Path), "insufficient_scope", message, scope);
        return JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.Unauthorized, message,
            $"Authorize again asking for scope=\"{scope}\" (as the WWW-Authenticate challenge says), then retry the call; MCP SDK clients do this step-up on their own.",
            json =>
            {
                json.WriteString("code", ToolGate.ScopeNotAllowed);
                json.WriteString("requiredScope", required);
                json.WriteString("scope", scope);
            }, id);
    }
}
