using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Policy.Approvals;

/// <summary>
/// The admin API of approvals (what <c>portico approvals</c> and the portal's Approvals page do):
/// <c>GET /admin/api/approvals[?status=pending]</c> lists the requests the caller decides (an owner or admin of their
/// tenant, or <c>portico/admin</c>); <c>GET /admin/api/approvals/{id}</c> shows one with its arguments;
/// <c>POST /admin/api/approvals/{id}/approve|deny</c> decides it (404 for a request the caller may not decide, 409 when it
/// was decided already or expired). <c>/admin/api/tenants/{tenantId}/approval-tools[/{tool}]</c> lists, adds (PUT) and
/// removes (DELETE) the tenant's rules. There is no endpoint that changes an approval's arguments.
/// </summary>
internal static class ApprovalEndpoints
{
    public static IEndpointRouteBuilder MapPorticoApprovals(this IEndpointRouteBuilder endpoints)
    {
        var approvals = endpoints.MapGroup("/admin/api/approvals");
        approvals.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.ApprovalsRead);
        approvals.MapGet("/{id}", GetAsync).RequireAuthorization(AccessPolicies.ApprovalsRead);
        approvals.MapPost("/{id}/approve", (string id, HttpContext http, ApprovalStore store) => DecideAsync(id, true, http, store)).RequireAuthorization(AccessPolicies.ApprovalsWrite);
        approvals.MapPost("/{id}/deny", (string id, HttpContext http, ApprovalStore store) => DecideAsync(id, false, http, store)).RequireAuthorization(AccessPolicies.ApprovalsWrite);
        var rules = endpoints.MapGroup("/admin/api/tenants/{tenantId}/approval-tools");
        rules.MapGet("", ListRulesAsync).RequireAuthorization(AccessPolicies.TenantApprovalRulesRead);
        rules.MapPut("/{tool}", AddRuleAsync).RequireAuthorization(AccessPolicies.TenantApprovalRulesWrite);
        rules.MapDelete("/{tool}", RemoveRuleAsync).RequireAuthorization(AccessPolicies.TenantApprovalRulesWrite);
        return endpoints;
    }

    /// <summary>An approval as the API and the CLI show it: the arguments as the JSON they are.</summary>
    public static JsonObject Describe(ApprovalRecord approval) => new()
    {
        ["id"] = approval.Id,
        ["status"] = approval.Status,
        ["tool"] = approval.Tool,
        ["tenantId"] = approval.TenantId,
        ["caller"] = approval.OwnerEmail ?? approval.OwnerId,
        ["taskId"] = approval.TaskId,
        ["requestId"] = approval.RequestId,
        ["arguments"] = JsonNode.Parse(approval.Arguments),
        ["argumentsSha256"] = approval.ArgumentsHash,
        ["createdAt"] = approval.CreatedAt,
        ["expiresAt"] = approval.ExpiresAt,
        ["decidedAt"] = approval.DecidedAt,
        ["decidedBy"] = approval.DecidedBy,
        ["ran"] = approval.Status == ApprovalStatuses.Approved && approval.ConsumedAt is not null,
    };

    private static async Task<IResult> ListAsync(HttpContext http, ApprovalStore store, string? status = null)
    {
        if (status is not null and not (ApprovalStatuses.Pending or ApprovalStatuses.Approved or ApprovalStatuses.Denied or ApprovalStatuses.Expired or ApprovalStatuses.Cancelled))
        {
            return Error(StatusCodes.Status400BadRequest, $"Unknown status '{Shorten(status)}'.", "Use pending, approved, denied, expired or cancelled, or leave it out for all.");
        }

        var approvals = await store.ListAsync(http.GetPrincipal(), status, http.RequestAborted);
        return Json(new JsonObject { ["approvals"] = new JsonArray([.. approvals.Select(Describe)]) });
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, ApprovalStore store)
        => await store.FindAsync(id, http.RequestAborted) is { } approval && await store.MayDecideAsync(http.GetPrincipal(), approval.TenantId, http.RequestAborted)
            ? Json(Describe(approval))
            : NotFound();

    private static async Task<IResult> DecideAsync(string id, bool approve, HttpContext http, ApprovalStore store)
        => await store.DecideAsync(id, http.GetPrincipal(), approve, http.RequestAborted) switch
        {
            ApprovalDecision.Decided => Json(Describe((await store.FindAsync(id, http.RequestAborted))!)),
            ApprovalDecision.AlreadyDecided => Error(StatusCodes.Status409Conflict, $"Approval {id} was decided already, expired or was cancelled; nothing changed.",
                "GET /admin/api/approvals?status=pending lists the requests still waiting."),
            _ => NotFound(),
        };

    private static async Task<IResult> ListRulesAsync(string tenantId, HttpContext http, ApprovalRules rules)
    {
        var listed = await rules.ListAsync(tenantId, http.RequestAborted);
        return Json(new JsonObject
        {
            ["tenantId"] = tenantId,
            ["tools"] = new JsonArray([.. listed.Select(r => new JsonObject { ["tool"] = r.Tool, ["createdAt"] = r.CreatedAt, ["createdBy"] = r.CreatedBy })]),
        });
    }

    private static async Task<IResult> AddRuleAsync(string tenantId, string tool, HttpContext http, ApprovalRules rules)
    {
        try
        {
            var added = await rules.AddAsync(tenantId, tool, http.GetPrincipal().Email ?? http.GetPrincipal().Id, http.RequestAborted);
            return Json(new JsonObject { ["tenantId"] = tenantId, ["tool"] = tool, ["added"] = added }, added ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        }
        catch (AccessException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
    }

    private static async Task<IResult> RemoveRuleAsync(string tenantId, string tool, HttpContext http, ApprovalRules rules)
        => await rules.RemoveAsync(tenantId, tool, http.RequestAborted)
            ? TypedResults.NoContent()
            : Error(StatusCodes.Status404NotFound, $"Tenant '{tenantId}' has no approval rule for '{Shorten(tool)}'.", "GET this collection lists the tenant's rules.");

    private static IResult NotFound()
        => Error(StatusCodes.Status404NotFound, "No approval with this id that you may decide.", "GET /admin/api/approvals lists the requests of the tenants you own or administer.");

    private static IResult Json(JsonObject body, int status = StatusCodes.Status200OK) => Results.Content(body.ToJsonString(), "application/json", statusCode: status);

    private static IResult Error(int status, string message, string hint)
        => Results.Content(new JsonObject { ["error"] = message, ["hint"] = hint }.ToJsonString(), "application/json", statusCode: status);

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
