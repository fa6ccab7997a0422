using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Access;
using Portico.Storage;

namespace Portico.Health;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapPorticoHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health").AllowAnonymousListed();
        health.MapGet("", () => TypedResults.Json(new HealthStatus("ok"), HealthJsonContext.Default.HealthStatus));
        health.MapGet("/live", () => TypedResults.Json(new HealthStatus("ok"), HealthJsonContext.Default.HealthStatus));
        health.MapGet("/ready", ReadyAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, StoreMigrator migrator, IHostApplicationLifetime lifetime, StoreConnection store)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return NotReady("shutting down", "This instance is draining; the load balancer should send traffic elsewhere.");
        }

        int version;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            version = await migrator.GetVersionAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            return NotReady($"store unreachable: {ex.Message}", $"Check that the store ({store.Display}) is reachable.");
        }

        return version == StoreMigrations.Latest
            ? TypedResults.Json(new HealthStatus("ok", Store: store.Provider.ToString().ToLowerInvariant(), SchemaVersion: version), HealthJsonContext.Default.HealthStatus)
            : NotReady($"store schema is at version {version}, expected {StoreMigrations.Latest}", "Restart Portico so it migrates the store at start-up.");
    }

    private static JsonHttpResult<HealthStatus> NotReady(string reason, string hint)
        => TypedResults.Json(new HealthStatus("unavailable", reason, hint), HealthJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable);
}
