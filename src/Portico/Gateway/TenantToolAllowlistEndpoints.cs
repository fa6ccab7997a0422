using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Gateway;

/// <summary>
/// <c>/admin/api/tenants/{tenantId}/upstream-tools</c> (scope <c>portico/vendors.read|write</c> and an owner or admin of that tenant, or
/// <c>portico/admin</c>): GET shows the tenant's allowlist of upstream tools, PUT
/// <c>{"tools":["everything__echo","memory__*"]}</c> sets it, DELETE removes it (every upstream tool visible again).
/// </summary>
internal static class TenantToolAllowlistEndpoints
{
    public static IEndpointRouteBuilder MapPorticoTenantToolAllowlists(this IEndpointRouteBuilder endpoints)
    {
        var allowlist = endpoints.MapGroup("/admin/api/tenants/{tenantId}/upstream-tools");
        allowlist.MapGet("", async (string tenantId, HttpContext http, TenantToolAllowlistStore store)
            => Json(tenantId, await store.GetAsync(tenantId, http.RequestAborted))).RequireAuthorization(AccessPolicies.TenantVendorsRead);
        allowlist.MapPut("", (string tenantId, HttpContext http, TenantToolAllowlistStore store) => SetAsync(tenantId, http, store))
            .RequireAuthorization(AccessPolicies.TenantVendorsWrite);
        allowlist.MapDelete("", async Task<IResult> (string tenantId, HttpContext http, TenantToolAllowlistStore store)
            => await store.ClearAsync(tenantId, http.RequestAborted) ? TypedResults.NoContent()
                : GatewayError.Result(StatusCodes.Status404NotFound, $"Tenant '{tenantId}' has no upstream tool allowlist.", "Its members already see every upstream tool; PUT a list to restrict them."))
            .RequireAuthorization(AccessPolicies.TenantVendorsWrite);
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
            return GatewayError.Result(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}", Example);
        }

        if (body?["tools"] is not JsonArray tools || tools.Any(t => t?.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            return GatewayError.Result(StatusCodes.Status400BadRequest, "'tools' must be an array of strings.", Example);
        }

        try
        {
            var saved = await store.SetAsync(tenantId, tools.Select(t => (string)t!), http.GetPrincipal().Id, http.RequestAborted);
            return Json(tenantId, saved);
        }
        catch (AccessException ex)
        {
            return GatewayError.Result(ex.Message.StartsWith("No tenant", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
    }
}
