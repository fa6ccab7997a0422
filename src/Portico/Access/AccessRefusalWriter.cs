using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Portico.Hosting;

namespace Portico.Access;

/// <summary>
/// Writes what the authorization middleware decided: a 401 is the scheme's challenge; a 403 names the failed
/// requirement in the endpoint's error shape (JSON-RPC on MCP endpoints, a page in the portal), with <c>insufficient_scope</c> when a scope is missing.
/// </summary>
internal sealed class AccessRefusalWriter : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // Only endpoints the application maps carry code to protect. A request no endpoint matched (404) or the
        // router's own rejection endpoint (405: a plain Endpoint without metadata) runs nothing, so it goes on to its error.
        if (context.GetEndpoint() is not RouteEndpoint)
        {
            return next(context);
        }

        if (!authorizeResult.Forbidden)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var refusal = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<AccessRefusal>().FirstOrDefault();
        if (BrowserPage.Marks(context))
        {
            return context.RequestServices.GetRequiredService<IBrowserRefusalPage>().WriteAsync(context, StatusCodes.Status403Forbidden,
                refusal?.Message ?? "You may not open this page.", refusal?.Hint ?? "Ask a Portico administrator for access.");
        }

        var message = refusal?.Message ?? "This credential may not use this endpoint.";
        if (refusal?.Scope is { } scope)
        {
            context.Response.Headers.WWWAuthenticate = BearerChallenge.Format(null, "insufficient_scope", message, scope);
        }

        return JsonErrors.WriteForEndpointAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.Unauthorized, "forbidden", message,
            refusal?.Hint ?? "Use a credential that is granted access to this endpoint.");
    }
}
