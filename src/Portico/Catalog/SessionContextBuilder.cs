using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Catalog;

/// <summary>What <c>get-session-context</c> and <c>session/get</c> answer: who you are, your groups, the active one.</summary>
internal sealed class SessionContextBuilder(TenantResolver tenants)
{
    /// <param name="resolution">The tenant a call would act on now (shown so "which group will my calls use?" has an answer).</param>
    public async ValueTask<JsonObject> BuildAsync(McpCallContext call, CancellationToken cancellationToken, TenantResolution? resolution = null)
    {
        resolution ??= await tenants.ResolveAsync(call.Principal, null, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        var principal = call.Principal;
        var available = await tenants.AvailableAsync(principal, cancellationToken);
        var groups = new JsonArray();
        foreach (var membership in available)
        {
            groups.Add(new JsonObject
            {
                ["groupId"] = membership.TenantId,
                ["name"] = membership.Name,
                ["dbKey"] = membership.TenantId,
                ["tier"] = Plans.Name(membership.Tier),
                ["plan"] = membership.PlanKey,
                ["role"] = membership.Role,
            });
        }

        return new JsonObject
        {
            ["user"] = principal.IsAnonymous ? null : new JsonObject { ["id"] = principal.Id, ["email"] = principal.Email },
            ["groups"] = groups,
            ["activeGroupId"] = call.Session?.ActiveTenantId,
            ["scopes"] = new JsonArray([.. principal.Scopes.Order(StringComparer.Ordinal).Select(s => JsonValue.Create(s))]),
            ["credential"] = new JsonObject { ["kind"] = principal.Kind, ["id"] = principal.CredentialId, ["boundTenantId"] = principal.BoundTenantId },
            ["sessionId"] = call.SessionId,
            ["resolvedGroup"] = resolution.Succeeded
                ? new JsonObject { ["groupId"] = resolution.Tenant!.TenantId, ["tier"] = Plans.Name(resolution.Tier), ["source"] = resolution.Source }
                : new JsonObject { ["error"] = resolution.ErrorCode, ["message"] = resolution.ErrorMessage, ["hint"] = resolution.Hint },
        };
    }
}
