namespace Portico.Tools.Records.Transfers;

/// <summary>The transfers' log messages (event ids 1900-1909).</summary>
internal static partial class TransferLog
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "Upload {TransferId} complete: {Bytes} bytes, checksum matched")]
    public static partial void UploadComplete(ILogger logger, string transferId, long bytes);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Upload {TransferId} interrupted at {Bytes} bytes; the client may continue it")]
    public static partial void UploadInterrupted(ILogger logger, string transferId, long bytes);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Transfer sweep: {Blobs} expired blobs deleted, {Rows} old reservations forgotten")]
    public static partial void Swept(ILogger logger, int blobs, int rows);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "The transfer sweep failed; it runs again at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
