using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Hosting;
using Portico.Storage;
using Portico.Telemetry;

namespace Portico.Policy.RateLimiting;

/// <summary>
/// Per-credential request limit on endpoints marked <see cref="CredentialRateLimit"/> (after authorization): 429 with <c>Retry-After</c>
/// and JSON-RPC -32004. Limits come per plan or per key; with none configured this costs nothing.
/// </summary>
internal sealed partial class HttpRateLimitMiddleware(RequestDelegate next, IRateLimitStore store, AccessDirectory directory,
    IOptionsMonitor<RateLimitOptions> options, TimeProvider time, ILogger<HttpRateLimitMiddleware> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<CredentialRateLimit>() is null || context.FindPrincipal() is not { } principal || await LimitForAsync(principal, context.RequestAborted) is not { } limit)
        {
            await next(context);
            return;
        }

        var decision = await store.TryAcquireAsync($"http:{principal.CredentialId ?? principal.Id}", limit, Window, time.GetUtcNow(), context.RequestAborted);
        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        LogLimited(logger, principal.CredentialId ?? principal.Id, limit);
        PorticoMetrics.RecordCredentialRateLimited();
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status429TooManyRequests, JsonRpcErrorCodes.RateLimited,
            $"Rate limit exceeded: {limit} requests per minute for this credential.",
            $"Retry after {decision.RetryAfterSeconds} seconds, spread requests out, or ask an operator for a higher limit.",
            json =>
            {
                json.WriteNumber("retryAfterSeconds", decision.RetryAfterSeconds);
                json.WriteNumber("limit", limit);
                json.WriteNumber("windowSeconds", (int)Window.TotalSeconds);
            });
    }

    private async ValueTask<int?> LimitForAsync(Principal principal, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (principal.CredentialId is { } keyId && settings.RequestsPerMinuteByKey.TryGetValue(keyId, out var byKey))
        {
            return byKey;
        }

        if (settings.RequestsPerMinuteByPlan.Count == 0)
        {
            return null;
        }

        // The credential's plan: its bound tenant's, otherwise the best plan among the user's tenants.
        var plan = "default";
        if (!principal.IsAnonymous)
        {
            var memberships = await directory.GetMembershipsAsync(principal.Id, cancellationToken);
            var relevant = principal.BoundTenantId is { } bound ? memberships.Where(m => m.TenantId == bound) : memberships;
            if (relevant.OrderByDescending(m => m.Tier).FirstOrDefault() is { } best)
            {
                plan = Plans.Name(best.Tier);
            }
        }

        return settings.RequestsPerMinuteByPlan.TryGetValue(plan, out var byPlan) ? byPlan
            : settings.RequestsPerMinuteByPlan.TryGetValue("default", out var fallback) ? fallback
            : null;
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Rate limited credential {Credential} ({Limit}/min)")]
    private static partial void LogLimited(ILogger logger, string credential, int limit);
}
