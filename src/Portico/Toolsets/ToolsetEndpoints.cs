using Portico.Access;
using Portico.Catalog;
using Portico.Gateway;
using Portico.Hosting;
using Portico.Mcp;

namespace Portico.Toolsets;

/// <summary>
/// <c>/toolsets/{name}/mcp</c>: the MCP endpoint of one toolset, mapped by <see cref="McpEndpoints.MapMcpEndpoint"/> like
/// <c>/mcp</c> (the same Host/Origin check, caller policy, rate limit, token audience and metadata), served by the same
/// handler with the toolset attached to the request; and the admin API <c>/admin/api/toolsets</c> (scope <c>portico/admin</c>).
/// </summary>
internal static class ToolsetEndpoints
{
    private const int MaxBodyBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapPorticoToolsets(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<McpHttpHandler>();
        McpEndpoints.MapMcpEndpoint(endpoints, McpResources.ToolsetPattern, v => ToolsetNames.EndpointPath((string)v["toolset"]!),
            context => ServeAsync(context, handler), "MCP Streamable HTTP (toolset)");

        var admin = endpoints.MapGroup("/admin/api/toolsets").RequireAuthorization(AccessPolicies.Admin);
        admin.MapGet("", async (ToolsetAdmin toolsets, CancellationToken cancellationToken)
            => TypedResults.Json((await toolsets.ListAsync(ToolsetScope.Operator, cancellationToken)).Select(ToolsetOutput.From).ToList(), ToolsetJsonContext.Default.ListToolsetOutput));
        admin.MapGet("/{name}", (string name, ToolsetAdmin toolsets, CancellationToken cancellationToken)
            => RunAsync(async () => TypedResults.Json(ToolsetOutput.From(await toolsets.GetAsync(name, ToolsetScope.Operator, cancellationToken)), ToolsetJsonContext.Default.ToolsetOutput)));
        admin.MapPost("", CreateAsync);
        admin.MapPut("/{name}", UpdateAsync);
        admin.MapDelete("/{name}", (string name, ToolsetAdmin toolsets, CancellationToken cancellationToken)
            => RunAsync(async () =>
            {
                await toolsets.DeleteAsync(name, ToolsetScope.Operator, cancellationToken);
                return TypedResults.NoContent();
            }));
        return endpoints;
    }

    /// <summary>
    /// Serves the toolset through the one MCP handler. An unknown toolset and another tenant's are the same 404 (no oracle
    /// of names): a tenant's toolset answers only credentials of its members (a key bound to another tenant is not one).
    /// </summary>
    private static async Task ServeAsync(HttpContext context, McpHttpHandler handler)
    {
        var services = context.RequestServices;
        var name = (string)context.Request.RouteValues["toolset"]!;
        var toolset = await services.GetRequiredService<ToolsetRegistry>().FindAsync(name, context.RequestAborted);
        if (toolset?.TenantId is { } owner
            && !(await services.GetRequiredService<TenantResolver>().AvailableAsync(context.GetPrincipal(), context.RequestAborted)).Any(m => m.TenantId == owner))
        {
            toolset = null;
        }

        if (toolset is null)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.InvalidRequest,
                $"No toolset named '{LogValue.Safe(name)}' is served to this credential.",
                "Toolset endpoints are /toolsets/<name>/mcp with the name in lower case; ask the toolset's owner for its URL, or use /mcp for every tool you may use.");
            return;
        }

        context.Features.Set(toolset);
        await handler.HandleAsync(context);
        var sessionId = context.Request.Headers[McpProtocol.SessionIdHeader].ToString() is { Length: > 0 } sent
            ? sent
            : context.Response.Headers[McpProtocol.SessionIdHeader].ToString();
        if (sessionId.Length > 0)
        {
            services.GetRequiredService<ToolsetRegistry>().Served(sessionId, toolset.Name);
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ToolsetAdmin toolsets, CancellationToken cancellationToken)
    {
        var (input, refusal) = await ParseAsync(context);
        return input is null ? refusal! : await RunAsync(async () => TypedResults.Json(
            ToolsetOutput.From(await toolsets.CreateAsync(input, ToolsetScope.Operator, By(context), cancellationToken)),
            ToolsetJsonContext.Default.ToolsetOutput, statusCode: StatusCodes.Status201Created));
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ToolsetAdmin toolsets, CancellationToken cancellationToken)
    {
        var (input, refusal) = await ParseAsync(context);
        return input is null ? refusal! : await RunAsync(async () => TypedResults.Json(
            ToolsetOutput.From(await toolsets.UpdateAsync(name, input, ToolsetScope.Operator, By(context), cancellationToken)),
            ToolsetJsonContext.Default.ToolsetOutput));
    }

    private static async Task<(ToolsetInput? Input, IResult? Refusal)> ParseAsync(HttpContext context)
    {
        // Larger than other admin bodies: up to a hundred tools, each with a description of its own.
        if (await RequestBodies.ReadBytesAsync(context, MaxBodyBytes, context.RequestAborted) is not { } body)
        {
            return (null, GatewayError.Result(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.", ToolsetAdmin.Hint));
        }

        if (body.Length == 0)
        {
            return (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is empty.", ToolsetAdmin.Hint));
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(body, ToolsetJsonContext.Default.ToolsetInput) is { } input
                ? (input, null)
                : (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is null.", ToolsetAdmin.Hint));
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is not a JSON object of the documented fields.", ToolsetAdmin.Hint));
        }
    }

    private static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ToolsetException ex)
        {
            return GatewayError.Result(ex.Status, ex.Message, ex.Hint);
        }
    }

    private static string? By(HttpContext context) => context.FindPrincipal()?.Id;
}
