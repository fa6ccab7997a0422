using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Hosting;

namespace Portico.Gateway;

/// <summary>
/// <c>/health/vendors</c> (status public, details for <c>portico/admin</c>), the admin API <c>/admin/api/upstreams</c> (scope <c>portico/admin</c>:
/// list, add, remove, <c>POST /{name}/enable</c> and <c>/disable</c>)
/// and the upstream credentials beneath it (see <see cref="UpstreamCredentialEndpoints"/>).
/// </summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapPorticoGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health/vendors", VendorsAsync).AllowAnonymousListed();

        var admin = endpoints.MapGroup("/admin/api/upstreams").RequireAuthorization(AccessPolicies.Admin);
        admin.MapGet("", async (UpstreamAdmin upstreams, CancellationToken cancellationToken)
            => TypedResults.Json((await upstreams.ListAsync(cancellationToken)).Select(UpstreamOutput.From).ToList(), GatewayJsonContext.Default.ListUpstreamOutput));
        admin.MapPost("", AddAsync);
        admin.MapDelete("/{name}", RemoveAsync);
        admin.MapPost("/{name}/enable", (string name, UpstreamAdmin upstreams, CancellationToken cancellationToken) => SetEnabledAsync(name, true, upstreams, cancellationToken));
        admin.MapPost("/{name}/disable", (string name, UpstreamAdmin upstreams, CancellationToken cancellationToken) => SetEnabledAsync(name, false, upstreams, cancellationToken));
        endpoints.MapPorticoUpstreamCredentials();
        endpoints.MapPorticoUpstreamOAuth();
        endpoints.MapPorticoTenantToolAllowlists();
        var handler = endpoints.ServiceProvider.GetRequiredService<Mcp.McpHttpHandler>();
        Mcp.McpEndpoints.MapMcpEndpoint(endpoints, McpResources.VendorPattern, v => $"/vendors/{v["vendor"]}/mcp",
            context => ServeVendorAsync(context, handler), "MCP Streamable HTTP (one upstream)");
        return endpoints;
    }

    /// <summary>
    /// Monitors see each upstream's name and status; the details (last error with its internal address, latency,
    /// failure counts) only a <c>portico/admin</c> credential sees, so the public page leaks no internal hosts.
    /// </summary>
    private static async Task<IResult> VendorsAsync(HttpContext context, GatewayToolSource source)
    {
        var health = source.Health();
        var caller = await context.AuthenticateAsync(AccessPolicies.BearerScheme);
        if (caller.Principal?.Identities.OfType<PrincipalIdentity>().FirstOrDefault()?.Principal.Scopes.Contains(Scopes.Admin) == true)
        {
            return TypedResults.Json(health, GatewayJsonContext.Default.ListVendorHealth);
        }

        return TypedResults.Json(health.Select(v => new VendorStatus(v.Name, v.Status)).ToList(), GatewayJsonContext.Default.ListVendorStatus);
    }

    /// <summary>
    /// One upstream's tools under their own names, through the same transport, sessions and policy
    /// pipeline as <c>/mcp</c> (the pipeline reads the vendor from the route). An upstream this
    /// instance does not serve (unknown, or disabled) is a 404 that says where to look.
    /// </summary>
    private static async Task ServeVendorAsync(HttpContext context, Mcp.McpHttpHandler handler)
    {
        var vendor = (string)context.Request.RouteValues["vendor"]!;
        if (!context.RequestServices.GetRequiredService<GatewayToolSource>().Upstreams().Any(u => u.Name == vendor))
        {
            await Refused(StatusCodes.Status404NotFound, $"No enabled upstream is named '{vendor}'.",
                "GET /health/vendors (or run: portico upstreams list) shows the upstreams this server serves; each one is at /vendors/{name}/mcp, and all of them at /mcp.")
                .ExecuteAsync(context);
            return;
        }

        await handler.HandleAsync(context);
    }

    private static async Task<IResult> AddAsync(HttpContext context, UpstreamAdmin upstreams, IOptionsMonitor<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (await AdminRequestBody.ReadAsync(context) is not { } body)
        {
            return AdminRequestBody.TooLarge();
        }

        UpstreamInput? input;
        try
        {
            input = body.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize(body, GatewayJsonContext.Default.UpstreamInput);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Refused(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}", "Send a JSON object such as {\"name\":\"docs\",\"url\":\"https://…/mcp\"}.");
        }

        if (input is null)
        {
            return Refused(StatusCodes.Status400BadRequest, "The body is empty.", "Send a JSON object such as {\"name\":\"docs\",\"url\":\"https://…/mcp\"}.");
        }

        var definition = input.ToDefinition();
        if (definition.Problem() is { } problem)
        {
            return Refused(StatusCodes.Status400BadRequest, problem, UpstreamAdmin.Hint);
        }

        // A key with portico/admin is not a shell on the host: it names a command only where the operator allowed that one.
        if (UpstreamTransport.Find(definition.Transport)?.AdminApiRefusal(definition, options.CurrentValue) is { } refusal)
        {
            return Refused(StatusCodes.Status403Forbidden, refusal, AdminApiStdioOptions.Hint);
        }

        try
        {
            var added = await upstreams.AddAsync(definition, cancellationToken);
            return TypedResults.Json(UpstreamOutput.From(added), GatewayJsonContext.Default.UpstreamOutput, statusCode: StatusCodes.Status201Created);
        }
        catch (AccessException ex)
        {
            return Refused(ex.Message.Contains("already exists", StringComparison.Ordinal) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
    }

    private static async Task<IResult> RemoveAsync(string name, UpstreamAdmin upstreams, CancellationToken cancellationToken)
    {
        try
        {
            await upstreams.RemoveAsync(name, cancellationToken);
            return TypedResults.NoContent();
        }
        catch (AccessException ex)
        {
            return Refused(StatusCodes.Status404NotFound, ex.Message, ex.Hint);
        }
    }

    /// <summary>Serves the upstream again, or stops serving it, on every instance; answers the upstream as it is now.</summary>
    private static async Task<IResult> SetEnabledAsync(string name, bool enabled, UpstreamAdmin upstreams, CancellationToken cancellationToken)
    {
        try
        {
            await upstreams.SetEnabledAsync(name, enabled, cancellationToken);
            return TypedResults.Json(UpstreamOutput.From(await upstreams.GetAsync(name, cancellationToken)), GatewayJsonContext.Default.UpstreamOutput);
        }
        catch (AccessException ex)
        {
            return Refused(StatusCodes.Status404NotFound, ex.Message, ex.Hint);
        }
    }

    private static JsonHttpResult<GatewayError> Refused(int status, string message, string hint) => GatewayError.Result(status, message, hint);
}
