using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Gateway;

/// <summary>
/// <c>/admin/api/tenants/{tenantId}/upstream-tools</c> (an owner or admin of that tenant, or a
/// <c>portico/admin</c> key): GET shows the tenant's allowlist of upstream tools, PUT
/// <c>{"tools":["everything__echo","memory__*"]}</c> sets it, DELETE removes it (every upstream tool visible again).
/// </summary>
internal static class TenantToolAllowlistEndpoints
{
    private const string What = "upstream tool allowlist";

    public static IEndpointRouteBuilder MapPorticoTenantToolAllowlists(this IEndpointRouteBuilder endpoints)
    {
        var allowlist = endpoints.MapGroup("/admin/api/tenants/{tenantId}/upstream-tools").AddEndpointFilter(AdminApiKeys.RequireKeyAsync);
        allowlist.MapGet("", async (string tenantId, HttpContext http, TenantToolAllowlistStore store)
            => await UpstreamCredentialEndpoints.TenantAdminRefusalAsync(http, tenantId, What) ?? Json(tenantId, await store.GetAsync(tenantId, http.RequestAborted)));
        allowlist.MapPut("", async (string tenantId, HttpContext http, TenantToolAllowlistStore store)
            => await UpstreamCredentialEndpoints.TenantAdminRefusalAsync(http, tenantId, What) ?? await SetAsync(tenantId, http, store));
        allowlist.MapDelete("", async (string tenantId, HttpContext http, TenantToolAllowlistStore store)
            => await UpstreamCredentialEndpoints.TenantAdminRefusalAsync(http, tenantId, What)
                ?? (await store.ClearAsync(tenantId, http.RequestAborted) ? TypedResults.NoContent()
                    : AdminApiKeys.Refused(StatusCodes.Status404NotFound, $"Tenant '{tenantId}' has no upstream tool allowlist.", "Its members already see every upstream tool; PUT a list to restrict them.")));
        return endpoints;
    }

    /// <summary>The allowlist as the API and the CLI show it; <c>tools: null</c> means no restriction.</summary>
    public static JsonObject Describe(string tenantId, IReadOnlyList<string>? patterns) => new()
    {
        ["tenantId"] = tenantId,
        ["restricted"] = patterns is not null,
        ["tools"] = patterns is null ? null : new JsonArray([.. patterns.Select(p => JsonValue.Create(p))]),
    };

    private static IResult Json(string tenantId, IReadOnlyList<string>? patterns) => Results.Content(Describe(tenantId, patterns).ToJsonString(), "application/json");

    private static async Task<IResult> SetAsync(string tenantId, HttpContext http, TenantToolAllowlistStore store)
    {
        const string Example = "Send {\"tools\":[\"everything__echo\",\"memory__*\"]}: catalog names, or a prefix ending in '*'.";
        if (await AdminRequestBody.ReadAsync(http) is not { } bytes)
        {
            return AdminRequestBody.TooLarge();
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(bytes);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return AdminApiKeys.Refused(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}", Example);
        }

        if (body?["tools"] is not JsonArray tools || tools.Any(t => t?.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            return AdminApiKeys.Refused(StatusCodes.Status400BadRequest, "'tools' must be an array of strings.", Example);
        }

        try
        {
            var saved = await store.SetAsync(tenantId, tools.Select(t => (string)t!), http.Features.Get<Principal>()?.Id, http.RequestAborted);
            return Json(tenantId, saved);
        }
        catch (AccessException ex)
        {
            return AdminApiKeys.Refused(ex.Message.StartsWith("No tenant", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
    }
}
