using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Hosting;

namespace Portico.Integrations;

/// <summary>
/// <c>/admin/api/tenants/{tenantId}/integrations</c> (scope <c>portico/integrations.read|write</c> and an owner or admin of that
/// tenant, or <c>portico/admin</c>): GET lists every declared integration with the tenant's status, GET <c>/{name}</c> shows one,
/// PUT <c>/{name}</c> with <c>{"secret":"…"}</c> stores it, DELETE <c>/{name}</c> clears it. Secrets go in and never come out.
/// The portal's Integrations page is a form over the same <see cref="TenantIntegrationStore"/>.
/// </summary>
internal static class IntegrationEndpoints
{
    /// <summary>A secret is at most <see cref="Security.StoredSecrets.MaxLength"/> characters; the body may carry little else.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    private const string BodyHint = "Send {\"secret\":\"…\"}: the secret on one line, as issued.";

    public static IEndpointRouteBuilder MapPorticoIntegrations(this IEndpointRouteBuilder endpoints)
    {
        var integrations = endpoints.MapGroup("/admin/api/tenants/{tenantId}/integrations");
        integrations.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.TenantIntegrationsRead);
        integrations.MapGet("/{name}", GetAsync).RequireAuthorization(AccessPolicies.TenantIntegrationsRead);
        integrations.MapPut("/{name}", SetAsync).RequireAuthorization(AccessPolicies.TenantIntegrationsWrite);
        integrations.MapDelete("/{name}", ClearAsync).RequireAuthorization(AccessPolicies.TenantIntegrationsWrite);
        return endpoints;
    }

    /// <summary>A status as the API and the CLI show it.</summary>
    public static JsonObject Describe(string tenantId, IntegrationStatus status) => new()
    {
        ["tenantId"] = tenantId,
        ["name"] = status.Name,
        ["title"] = status.Title,
        ["description"] = status.Description,
        ["secret"] = status.Secret,
        ["whereToGet"] = status.WhereToGet,
        ["configured"] = status.Configured,
        ["updatedAt"] = status.UpdatedAt,
        ["updatedBy"] = status.UpdatedBy,
    };

    private static async Task<IResult> ListAsync(string tenantId, HttpContext http, TenantIntegrationStore store)
    {
        if (!await store.TenantExistsAsync(tenantId, http.RequestAborted))
        {
            return NoTenant(tenantId);
        }

        var statuses = await store.ListAsync(tenantId, http.RequestAborted);
        return Json(new JsonObject { ["tenantId"] = tenantId, ["integrations"] = new JsonArray([.. statuses.Select(s => Describe(tenantId, s))]) });
    }

    private static async Task<IResult> GetAsync(string tenantId, string name, HttpContext http, TenantIntegrationStore store, IntegrationRegistry registry)
        => await RefusalAsync(tenantId, name, http, store, registry) ?? Json(Describe(tenantId, await store.GetStatusAsync(tenantId, name, http.RequestAborted)));

    private static async Task<IResult> SetAsync(string tenantId, string name, HttpContext http, TenantIntegrationStore store, IntegrationRegistry registry)
    {
        if (await RefusalAsync(tenantId, name, http, store, registry) is { } refused)
        {
            return refused;
        }

        if (await RequestBodies.ReadBytesAsync(http, MaxBodyBytes, http.RequestAborted) is not { } body)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.", BodyHint);
        }

        string? secret;
        try
        {
            secret = JsonNode.Parse(body) is JsonObject json && json["secret"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? (string)value! : null;
        }
        catch (JsonException)
        {
            // Never echo the parser's message: it may quote the secret.
            return Error(StatusCodes.Status400BadRequest, "The body is not valid JSON.", BodyHint);
        }

        if (secret is null)
        {
            return Error(StatusCodes.Status400BadRequest, "The body must be a JSON object with a string 'secret'.", BodyHint);
        }

        try
        {
            return Json(Describe(tenantId, await store.SetAsync(tenantId, name, secret, http.GetPrincipal().Id, http.RequestAborted)));
        }
        catch (AccessException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
    }

    private static async Task<IResult> ClearAsync(string tenantId, string name, HttpContext http, TenantIntegrationStore store, IntegrationRegistry registry)
        => await RefusalAsync(tenantId, name, http, store, registry)
            ?? (await store.ClearAsync(tenantId, name, http.RequestAborted)
                ? TypedResults.NoContent()
                : Error(StatusCodes.Status404NotFound, $"Tenant '{tenantId}' has no {registry.Find(name)!.Title} secret stored.",
                    "Nothing to clear; GET this path shows the integration's status."));

    /// <summary>404 for an integration nobody declared (with the list) or a tenant that does not exist; null when both are known.</summary>
    private static async Task<IResult?> RefusalAsync(string tenantId, string name, HttpContext http, TenantIntegrationStore store, IntegrationRegistry registry)
    {
        if (registry.Find(name) is null)
        {
            return Error(StatusCodes.Status404NotFound, $"No integration named '{name}'.", $"Known integrations: {registry.Names}.",
                new JsonArray([.. registry.All.Select(d => JsonValue.Create(d.Name))]));
        }

        return await store.TenantExistsAsync(tenantId, http.RequestAborted) ? null : NoTenant(tenantId);
    }

    private static IResult NoTenant(string tenantId)
        => Error(StatusCodes.Status404NotFound, $"No tenant '{tenantId}'.", "Check the tenant id; 'portico tenants list' shows them.");

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");

    /// <summary>The admin API's refusal shape (<c>{error, hint}</c>), plus the known integrations when the name was unknown.</summary>
    private static IResult Error(int status, string message, string hint, JsonArray? integrations = null)
    {
        var body = new JsonObject { ["error"] = message, ["hint"] = hint };
        if (integrations is not null)
        {
            body["integrations"] = integrations;
        }

        return Results.Content(body.ToJsonString(), "application/json", statusCode: status);
    }
}
