using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Tools.Session;

/// <summary>
/// Who am I, which groups can I use, and which one is active: <c>get-session-context</c>, <c>set-active-group</c>;
/// and signing a session in without browser OAuth: <c>authenticate</c>, <c>check_auth_status</c>.
/// </summary>
internal sealed partial class SessionPack(SessionContextBuilder contexts, TenantResolver tenants, SessionRecords records, SessionAuthorizations authorizations,
    IServiceScopeFactory scopes) : IMcpPack
{
    private static readonly JsonElement ContextSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "tenantId": { "type": "string", "description": "Optional: preview which group a call with this tenantId would use." }
          },
          "additionalProperties": false
        }
        """).RootElement;

    private static readonly JsonElement SetActiveGroupSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "groupId": { "type": "string", "description": "A groupId from get-session-context.groups." }
          },
          "required": ["groupId"],
          "additionalProperties": false
        }
        """).RootElement;

    public string Name => "session";

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new Tool
        {
            Name = "get-session-context",
            Title = "Get session context",
            Description = "Returns who you are, the groups (tenants) you can use with their tier and your role, the active group, your scopes and the session id.",
            InputSchema = ContextSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, GetContextAsync);

        catalog.AddTool(new Tool
        {
            Name = "set-active-group",
            Title = "Set active group",
            Description = "Makes one of your groups the active one for this session; tools that need a group then use it.",
            InputSchema = SetActiveGroupSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, IdempotentHint = true, DestructiveHint = false, OpenWorldHint = false },
        }, SetActiveGroupAsync);

        RegisterSignIn(catalog);
    }

    private async ValueTask<CallToolResult> GetContextAsync(ToolInvocation invocation, CancellationToken cancellationToken)
        => Result(await contexts.BuildAsync(invocation.Call, cancellationToken, invocation.Tenant));

    private async ValueTask<CallToolResult> SetActiveGroupAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var call = invocation.Call;
        var groupId = invocation.GetString("groupId");
        if (string.IsNullOrWhiteSpace(groupId))
        {
            return ToolError.Result("VALIDATION_FAILED", "set-active-group needs a 'groupId' string.", "Pass one of get-session-context.groups[].groupId.", call.RequestId,
                new JsonObject { ["path"] = "groupId", ["expected"] = "string", ["received"] = "missing" });
        }

        if (call.Session is not { } session)
        {
            return NoSession("set-active-group", "Pass tenantId with each call instead, or connect with a session (protocol 2025-11-25 or older).", call);
        }

        var available = await tenants.AvailableAsync(call.Principal, cancellationToken);
        if (!available.Any(m => m.TenantId == groupId))
        {
            var refused = TenantResolver.NotAvailable(groupId, available);
            return ToolError.Result(refused.ErrorCode!, refused.ErrorMessage!, refused.Hint, call.RequestId,
                new JsonObject { ["availableGroupIds"] = new JsonArray([.. available.Select(m => JsonValue.Create(m.TenantId))]) });
        }

        await records.SetActiveTenantAsync(session, groupId, cancellationToken);
        await session.NotifyToolsChangedAsync();
        return Result(await contexts.BuildAsync(call, cancellationToken));
    }

    private static CallToolResult NoSession(string tool, string hint, McpCallContext call)
        => ToolError.Result("NO_SESSION", $"{tool} needs a session, and this request has none (stateless protocol revision).", hint, call.RequestId);

    private static CallToolResult Result(JsonObject context) => ToolResults.Structured(context.ToJsonString(), context);
}
