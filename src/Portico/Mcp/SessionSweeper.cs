using Microsoft.Extensions.Options;

namespace Portico.Mcp;

/// <summary>Expires idle sessions, and relayed answers nobody took, in the background.</summary>
internal sealed partial class SessionSweeper(McpSessionManager sessions, SessionRequestRelay relay, IOptions<McpOptions> options, TimeProvider time, ILogger<SessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.SessionIdleTimeout.Ticks / 10, TimeSpan.FromSeconds(5).Ticks, TimeSpan.FromMinutes(5).Ticks));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var background = Storage.StoreMetrics.Background();
                await sessions.SweepAsync(stoppingToken);
                await relay.PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 230, Level = LogLevel.Warning, Message = "Session sweep failed; will retry on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
