namespace Portico.Tools.Records.Transfers;

/// <summary>File transfers, bound from <c>Portico:Transfers</c>.</summary>
internal sealed class TransferOptions
{
    public const string SectionName = "Portico:Transfers";

    /// <summary>The largest file an upload may declare (and a body may carry): 5 GiB unless set.</summary>
    public long MaxUploadBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>How long an upload or download URL works after the tool that gave it returned.</summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an uploaded file stays (for <c>import_entities</c> and <c>get_file_download</c>) once complete.</summary>
    public TimeSpan FileLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an expired reservation still answers 410 (with its hint) before the sweeper forgets it and it is 404.</summary>
    public TimeSpan ExpiredRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often every instance sweeps expired reservations and their blobs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
