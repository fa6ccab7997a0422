using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Tools.Records.Transfers;

/// <summary>
/// Deletes the blobs of expired transfers, then, after <see cref="TransferOptions.ExpiredRetention"/> (while the URL still
/// answers 410 with its hint), their rows. Runs on every instance — each may hold a file-system blob directory of its own —
/// and every step is safe to repeat or race: a blob already gone is nothing to delete, and rows go by one DELETE by expiry.
/// A download already streaming keeps its open blob (a file outlives its deletion; an S3 response is already flowing).
/// </summary>
internal sealed class TransferSweeper(IServiceScopeFactory scopes, IBlobStore blobs, IOptionsMonitor<TransferOptions> options, TimeProvider time,
    ILogger<TransferSweeper> logger) : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                using var background = StoreMetrics.Background();
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException)
            {
                TransferLog.SweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One round: the number of blobs deleted and rows forgotten.</summary>
    public async Task<(int Blobs, int Rows)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var expired = await db.Set<TransferRow>().AsNoTracking()
            .Where(t => t.ExpiresAt <= now && t.BlobId == t.Id)
            .OrderBy(t => t.ExpiresAt).Select(t => t.BlobId).Take(Batch)
            .ToListAsync(cancellationToken);
        var blobsDeleted = 0;
        foreach (var blobId in expired)
        {
            if (await blobs.LengthAsync(blobId, cancellationToken) is not null)
            {
                await blobs.DeleteAsync(blobId, cancellationToken);
                blobsDeleted++;
            }
        }

        var forgetBefore = now - options.CurrentValue.ExpiredRetention;
        var rows = await db.Set<TransferRow>().Where(t => t.ExpiresAt <= forgetBefore).ExecuteDeleteAsync(cancellationToken);
        if (blobsDeleted > 0 || rows > 0)
        {
            TransferLog.Swept(logger, blobsDeleted, rows);
        }

        return (blobsDeleted, rows);
    }
}
