using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Access;

namespace Portico.Gateway;

/// <summary><c>/health/vendors</c> (public, like the other health endpoints) and the admin API <c>/admin/api/upstreams</c> (scope <c>portico/admin</c>).</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapPorticoGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health/vendors", (GatewayToolSource source) => TypedResults.Json(source.Health(), GatewayJsonContext.Default.ListVendorHealth));

        var admin = endpoints.MapGroup("/admin/api/upstreams").AddEndpointFilter(RequireAdminAsync);
        admin.MapGet("", async (UpstreamAdmin upstreams, CancellationToken cancellationToken)
            => TypedResults.Json((await upstreams.ListAsync(cancellationToken)).Select(UpstreamOutput.From).ToList(), GatewayJsonContext.Default.ListUpstreamOutput));
        admin.MapPost("", AddAsync);
        admin.MapDelete("/{name}", RemoveAsync);
        return endpoints;
    }

    private static async Task<IResult> AddAsync(HttpContext context, UpstreamAdmin upstreams, CancellationToken cancellationToken)
    {
        UpstreamInput? input;
        try
        {
            input = await context.Request.ReadFromJsonAsync(GatewayJsonContext.Default.UpstreamInput, cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Refused(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}", "Send a JSON object such as {\"name\":\"docs\",\"url\":\"https://…/mcp\"}.");
        }

        if (input is null)
        {
            return Refused(StatusCodes.Status400BadRequest, "The body is empty.", "Send a JSON object such as {\"name\":\"docs\",\"url\":\"https://…/mcp\"}.");
        }

        try
        {
            var added = await upstreams.AddAsync(input.ToDefinition(), cancellationToken);
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

    /// <summary>
    /// The admin API is outside the MCP paths, so it authenticates here, with the same API keys;
    /// only a key holding <c>portico/admin</c> may change what every user's endpoint serves.
    /// </summary>
    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString().Trim();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : header;
        if (key.Length == 0 || !ApiKeyFormat.LooksLikeKey(key))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Refused(StatusCodes.Status401Unauthorized, "Authentication required.", "Send 'Authorization: Bearer <API key>' with a key created by 'portico keys create --scopes admin'.");
        }

        var result = await http.RequestServices.GetRequiredService<AccessDirectory>().AuthenticateApiKeyAsync(key, http.RequestAborted);
        if (result.Principal is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Refused(StatusCodes.Status401Unauthorized, result.Error!, result.Hint!);
        }

        if (!result.Principal.Scopes.Contains(Scopes.Admin))
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{Scopes.Admin}\"";
            return Refused(StatusCodes.Status403Forbidden, $"This key lacks the scope {Scopes.Admin}.", "Create an admin key with 'portico keys create --scopes admin'.");
        }

        return await next(context);
    }

    private static JsonHttpResult<GatewayError> Refused(int status, string message, string hint)
        => TypedResults.Json(new GatewayError(message, hint), GatewayJsonContext.Default.GatewayError, statusCode: status);
}
