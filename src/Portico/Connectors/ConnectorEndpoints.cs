using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Gateway;
using Portico.Hosting;

namespace Portico.Connectors;

/// <summary>
/// The admin API <c>/admin/api/connectors</c> (scope <c>portico/admin</c>, like the upstreams): list, add (the document
/// as text or a URL to fetch), get, <c>POST /{name}/reload</c>, remove.
/// </summary>
internal static class ConnectorEndpoints
{
    public static IEndpointRouteBuilder MapPorticoConnectors(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/api/connectors").RequireAuthorization(AccessPolicies.Admin);
        admin.MapGet("", async (ConnectorAdmin connectors, CancellationToken cancellationToken)
            => TypedResults.Json((await connectors.ListAsync(cancellationToken)).Select(ConnectorOutput.From).ToList(), ConnectorJsonContext.Default.ListConnectorOutput));
        admin.MapGet("/{name}", (string name, ConnectorAdmin connectors, CancellationToken cancellationToken)
            => RunAsync(async () => TypedResults.Json(ConnectorOutput.From(await connectors.GetAsync(name, cancellationToken)), ConnectorJsonContext.Default.ConnectorOutput)));
        admin.MapPost("", AddAsync);
        admin.MapPost("/{name}/reload", ReloadAsync);
        admin.MapDelete("/{name}", (string name, ConnectorAdmin connectors, CancellationToken cancellationToken)
            => RunAsync(async () =>
            {
                await connectors.RemoveAsync(name, cancellationToken);
                return TypedResults.NoContent();
            }));

        // Where an OAuth connector's provider sends the browser back after the sign-in started in the portal: only a browser
        // signed in to Portico reaches it (else it signs in first), and only the user who started the sign-in can finish it.
        endpoints.MapGet(ConnectorOAuth.CallbackPath, CallbackAsync).RequireAuthorization(AccessPolicies.PortalUser).WithMetadata(BrowserPage.Instance);
        return endpoints;
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, ConnectorOAuth oauth)
    {
        var query = http.Request.Query;
        http.Response.Headers.CacheControl = "no-store";
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            await oauth.AbandonAsync(query["state"], http.RequestAborted);
            return GatewayError.Result(StatusCodes.Status400BadRequest,
                $"The provider did not grant access: {error}{(query["error_description"].ToString() is { Length: > 0 } description ? $" ({description})" : "")}.",
                "Start again from the portal's Integrations page ('Connect account') and allow access on the provider's page.");
        }

        try
        {
            var (tenantId, account) = await oauth.FinishAsync(query["state"], query["code"], query.ContainsKey("iss") ? query["iss"].ToString() : null, http.GetPrincipal(),
                http.RequestAborted);
            return TypedResults.Redirect($"{Integrations.IntegrationGate.PortalPath(tenantId)}?connected={Uri.EscapeDataString(account.AccountId)}");
        }
        catch (AccessException ex)
        {
            return GatewayError.Result(ex.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
        catch (HttpRequestException ex)
        {
            return GatewayError.Result(StatusCodes.Status502BadGateway, $"The provider's token endpoint could not be reached: {ex.Message}",
                "Start again from the portal in a moment.");
        }
    }

    private static async Task<IResult> AddAsync(HttpContext context, ConnectorAdmin connectors, IOptions<ConnectorOptions> options, CancellationToken cancellationToken)
    {
        var (input, refusal) = await ReadAsync(context, options.Value, required: true);
        if (input is null)
        {
            return refusal!;
        }

        return await RunAsync(async () => TypedResults.Json(ConnectorOutput.From(await connectors.AddAsync(input, By(context), cancellationToken)),
            ConnectorJsonContext.Default.ConnectorOutput, statusCode: StatusCodes.Status201Created));
    }

    private static async Task<IResult> ReloadAsync(string name, HttpContext context, ConnectorAdmin connectors, IOptions<ConnectorOptions> options, CancellationToken cancellationToken)
    {
        var (input, refusal) = await ReadAsync(context, options.Value, required: false);
        if (refusal is not null)
        {
            return refusal;
        }

        return await RunAsync(async () => TypedResults.Json(ConnectorOutput.From(await connectors.ReloadAsync(name, input?.Document, By(context), cancellationToken)),
            ConnectorJsonContext.Default.ConnectorOutput));
    }

    /// <summary>The body: small JSON, except that it may carry a whole document (up to the document limit, plus room for the rest).</summary>
    private static async Task<(ConnectorInput? Input, IResult? Refusal)> ReadAsync(HttpContext context, ConnectorOptions options, bool required)
    {
        var limit = (long)options.MaxDocumentBytes * 2 + AdminRequestBody.MaxBytes;
        if (await RequestBodies.ReadBytesAsync(context, limit, context.RequestAborted) is not { } body)
        {
            return (null, GatewayError.Result(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.",
                $"The document may be at most {options.MaxDocumentBytes} bytes (Portico:Connectors:MaxDocumentBytes)."));
        }

        if (body.Length == 0)
        {
            return required
                ? (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is empty.", Example))
                : (null, null);
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(body, ConnectorJsonContext.Default.ConnectorInput) is { } input
                ? (input, null)
                : (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is null.", Example));
        }
        catch (System.Text.Json.JsonException)
        {
            // The parser's message is not echoed: it may quote the document.
            return (null, GatewayError.Result(StatusCodes.Status400BadRequest, "The body is not a valid JSON object of the documented fields.", Example));
        }
    }

    private const string Example = "Send {\"name\":\"pets\",\"url\":\"https://…/openapi.json\"} or {\"name\":\"pets\",\"document\":\"openapi: 3.0.3 …\"}, optionally with \"baseUrl\".";

    private static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ConnectorException ex)
        {
            return GatewayError.Result(ex.Status, ex.Message, ex.Hint.Length > 0 ? ex.Hint : ConnectorAdmin.Hint);
        }
    }

    private static string? By(HttpContext context) => context.FindPrincipal()?.Id;
}
