using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>Applies <see cref="HostOriginPolicy"/> to endpoints marked <see cref="HostOriginCheck"/> and answers their CORS preflight (before authentication: a preflight carries no credential).</summary>
internal sealed partial class HostOriginMiddleware(RequestDelegate next, HostOriginPolicy policy, ILogger<HostOriginMiddleware> logger)
{
    private const string AllowHeaders = "Content-Type, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, X-Request-Id, Mcp-Method, Mcp-Name";
    private const string ExposeHeaders = "Mcp-Session-Id, X-Request-Id, WWW-Authenticate, Retry-After";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<HostOriginCheck>() is null)
        {
            await next(context);
            return;
        }

        if (!policy.IsHostAllowed(context.Request.Host))
        {
            LogRefusedHost(logger, context.Request.Host.Value ?? "");
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.InvalidRequest,
                $"Forbidden: Host '{context.Request.Host.Value}' is not allowed.",
                $"If this server is reachable under that name, add it to the {HostOriginPolicy.AllowedHostsSetting} setting (e.g. Portico__Mcp__AllowedHosts__0={context.Request.Host.Host}).");
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (!policy.IsOriginAllowed(origin))
            {
                LogRefusedOrigin(logger, origin);
                await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.InvalidRequest,
                    $"Forbidden: Origin '{origin}' is not allowed.",
                    $"To let browser clients from that origin connect, add it to the {HostOriginPolicy.AllowedOriginsSetting} setting.");
                return;
            }

            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.AccessControlExposeHeaders = ExposeHeaders;
            context.Response.Headers.Vary = "Origin";
        }

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.Headers.AccessControlAllowMethods = "GET, POST, DELETE, OPTIONS";
            context.Response.Headers.AccessControlAllowHeaders = AllowHeaders;
            context.Response.Headers.AccessControlMaxAge = "600";
            context.Response.Headers.Allow = "GET, POST, DELETE, OPTIONS";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await next(context);
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "Refused Host {Host} (DNS-rebinding protection)")]
    private static partial void LogRefusedHost(ILogger logger, LogValue host);

    [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Refused Origin {Origin}")]
    private static partial void LogRefusedOrigin(ILogger logger, LogValue origin);
}
