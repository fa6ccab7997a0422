using Portico.Access;

namespace Portico.Gateway;

/// <summary>
/// <c>/admin/api/upstreams/{name}/credentials/me</c> (any API key: the caller's own credential) and
/// <c>…/credentials/tenant/{tenantId}</c> (an owner or admin of that tenant, or a <c>portico/admin</c>
/// key): GET shows whether one is stored and valid, PUT <c>{"secret":"…"}</c> stores it, DELETE clears it.
/// Secrets go in and never come out.
/// </summary>
internal static class UpstreamCredentialEndpoints
{
    public static IEndpointRouteBuilder MapPorticoUpstreamCredentials(this IEndpointRouteBuilder endpoints)
    {
        var credentials = endpoints.MapGroup("/admin/api/upstreams/{name}/credentials").AddEndpointFilter(AdminApiKeys.RequireKeyAsync);
        credentials.MapGet("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => GetAsync(store, name, UpstreamDefinition.CredentialsUser, Caller(http).Id, http.RequestAborted));
        credentials.MapPut("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => SetAsync(http, store, name, UpstreamDefinition.CredentialsUser, Caller(http).Id));
        credentials.MapDelete("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => ClearAsync(store, name, UpstreamDefinition.CredentialsUser, Caller(http).Id, http.RequestAborted));
        credentials.MapGet("/tenant/{tenantId}", async (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => await TenantAdminRefusalAsync(http, tenantId) ?? await GetAsync(store, name, UpstreamDefinition.CredentialsTenant, tenantId, http.RequestAborted));
        credentials.MapPut("/tenant/{tenantId}", async (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => await TenantAdminRefusalAsync(http, tenantId) ?? await SetAsync(http, store, name, UpstreamDefinition.CredentialsTenant, tenantId));
        credentials.MapDelete("/tenant/{tenantId}", async (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => await TenantAdminRefusalAsync(http, tenantId) ?? await ClearAsync(store, name, UpstreamDefinition.CredentialsTenant, tenantId, http.RequestAborted));
        return endpoints;
    }

    private static Principal Caller(HttpContext http) => http.Features.Get<Principal>()!;

    /// <summary>A tenant's credential is the tenant's owners' and admins' to manage (and Portico admins'); a key bound to another tenant may not.</summary>
    public static async Task<IResult?> TenantAdminRefusalAsync(HttpContext http, string tenantId, string what = "upstream credentials")
    {
        var caller = Caller(http);
        if (caller.BoundTenantId is { } bound && bound != tenantId)
        {
            return AdminApiKeys.Refused(StatusCodes.Status403Forbidden, $"This key is bound to tenant '{bound}', not '{tenantId}'.",
                "Use a key of that tenant, or one not bound to a tenant.");
        }

        if (caller.Scopes.Contains(Scopes.Admin))
        {
            return null;
        }

        var memberships = await http.RequestServices.GetRequiredService<AccessDirectory>().GetMembershipsAsync(caller.Id, http.RequestAborted);
        return memberships.FirstOrDefault(m => m.TenantId == tenantId) is { Role: "owner" or "admin" }
            ? null
            : AdminApiKeys.Refused(StatusCodes.Status403Forbidden, $"Only an owner or admin of tenant '{tenantId}' may manage its {what}.",
                $"Ask an owner or admin of the tenant, or an operator ('portico upstreams {(what == "upstream credentials" ? "credentials set" : "allow")} --tenant …').");
    }

    private static async Task<IResult> GetAsync(UpstreamCredentialStore store, string name, string kind, string owner, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetRecordAsync(name, kind, owner, cancellationToken) is { } record
                ? TypedResults.Json(UpstreamCredentialOutput.From(record), GatewayJsonContext.Default.UpstreamCredentialOutput)
                : AdminApiKeys.Refused(StatusCodes.Status404NotFound, $"No {kind} credential of '{owner}' is stored for upstream '{name}'.",
                    $"Store one with PUT on this path and the body {{\"secret\":\"…\"}}.");
        }
        catch (AccessException ex)
        {
            return Refusal(ex);
        }
    }

    private static async Task<IResult> SetAsync(HttpContext http, UpstreamCredentialStore store, string name, string kind, string owner)
    {
        if (await AdminRequestBody.ReadAsync(http) is not { } body)
        {
            return AdminRequestBody.TooLarge();
        }

        UpstreamCredentialInput? input;
        try
        {
            input = System.Text.Json.JsonSerializer.Deserialize(body, GatewayJsonContext.Default.UpstreamCredentialInput);
        }
        catch (System.Text.Json.JsonException)
        {
            // Never echo the parser's message: it may quote the secret.
            input = null;
        }

        if (input?.Secret is not { } secret)
        {
            return AdminApiKeys.Refused(StatusCodes.Status400BadRequest, "The body must be a JSON object with the secret.", "Send {\"secret\":\"…\"}.");
        }

        try
        {
            var record = await store.SetAsync(name, kind, owner, secret, Caller(http).Id, http.RequestAborted);
            return TypedResults.Json(UpstreamCredentialOutput.From(record), GatewayJsonContext.Default.UpstreamCredentialOutput);
        }
        catch (AccessException ex)
        {
            return Refusal(ex);
        }
    }

    private static async Task<IResult> ClearAsync(UpstreamCredentialStore store, string name, string kind, string owner, CancellationToken cancellationToken)
    {
        try
        {
            await store.ClearAsync(name, kind, owner, cancellationToken);
            return TypedResults.NoContent();
        }
        catch (AccessException ex)
        {
            return Refusal(ex);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GatewayError> Refusal(AccessException ex)
        => AdminApiKeys.Refused(ex.Message.StartsWith("No ", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
}
