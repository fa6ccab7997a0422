using Portico.Access;

namespace Portico.Gateway;

/// <summary>
/// <c>/admin/api/upstreams/{name}/credentials/me</c> (scope <c>portico/vendors.read|write</c>: the caller's own credential) and
/// <c>…/credentials/tenant/{tenantId}</c> (the same scope and an owner or admin of that tenant, or <c>portico/admin</c>): GET shows whether one is stored and valid, PUT <c>{"secret":"…"}</c> stores it, DELETE clears it.
/// Secrets go in and never come out.
/// </summary>
internal static class UpstreamCredentialEndpoints
{
    public static IEndpointRouteBuilder MapPorticoUpstreamCredentials(this IEndpointRouteBuilder endpoints)
    {
        var credentials = endpoints.MapGroup("/admin/api/upstreams/{name}/credentials");
        credentials.MapGet("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => GetAsync(store, name, UpstreamDefinition.CredentialsUser, http.GetPrincipal().Id, http.RequestAborted)).RequireAuthorization(AccessPolicies.VendorsRead);
        credentials.MapPut("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => SetAsync(http, store, name, UpstreamDefinition.CredentialsUser, http.GetPrincipal().Id)).RequireAuthorization(AccessPolicies.VendorsWrite);
        credentials.MapDelete("/me", (string name, HttpContext http, UpstreamCredentialStore store)
            => ClearAsync(store, name, UpstreamDefinition.CredentialsUser, http.GetPrincipal().Id, http.RequestAborted)).RequireAuthorization(AccessPolicies.VendorsWrite);
        credentials.MapGet("/tenant/{tenantId}", (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => GetAsync(store, name, UpstreamDefinition.CredentialsTenant, tenantId, http.RequestAborted)).RequireAuthorization(AccessPolicies.TenantVendorsRead);
        credentials.MapPut("/tenant/{tenantId}", (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => SetAsync(http, store, name, UpstreamDefinition.CredentialsTenant, tenantId)).RequireAuthorization(AccessPolicies.TenantVendorsWrite);
        credentials.MapDelete("/tenant/{tenantId}", (string name, string tenantId, HttpContext http, UpstreamCredentialStore store)
            => ClearAsync(store, name, UpstreamDefinition.CredentialsTenant, tenantId, http.RequestAborted)).RequireAuthorization(AccessPolicies.TenantVendorsWrite);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(UpstreamCredentialStore store, string name, string kind, string owner, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetRecordAsync(name, kind, owner, cancellationToken) is { } record
                ? TypedResults.Json(UpstreamCredentialOutput.From(record), GatewayJsonContext.Default.UpstreamCredentialOutput)
                : GatewayError.Result(StatusCodes.Status404NotFound, $"No {kind} credential of '{owner}' is stored for upstream '{name}'.",
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
            return GatewayError.Result(StatusCodes.Status400BadRequest, "The body must be a JSON object with the secret.", "Send {\"secret\":\"…\"}.");
        }

        try
        {
            var record = await store.SetAsync(name, kind, owner, secret, http.GetPrincipal().Id, http.RequestAborted);
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
        => GatewayError.Result(ex.Message.StartsWith("No ", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
}
