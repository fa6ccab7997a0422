using System.Data.Common;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Policy.Approvals;

/// <summary>
/// Marks pending approvals past their expiry as expired, on every instance (the update is conditional, so instances
/// sweeping at once do the same work once). A task waiting on one notices at its next read.
/// </summary>
internal sealed partial class ApprovalSweeper(ApprovalStore store, IOptionsMonitor<ApprovalOptions> options, TimeProvider time, ILogger<ApprovalSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.SweepInterval, time, stoppingToken);
                using var background = StoreMetrics.Background();
                if (await store.ExpireAsync(stoppingToken) is > 0 and var expired)
                {
                    LogExpired(logger, expired);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 333, Level = LogLevel.Information, Message = "{Count} pending approvals expired")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 334, Level = LogLevel.Warning, Message = "Expiring approvals failed; will retry")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
