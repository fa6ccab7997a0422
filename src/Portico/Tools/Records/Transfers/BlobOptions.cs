namespace Portico.Tools.Records.Transfers;

/// <summary>Where transferred files are kept, bound from <c>Portico:Blobs</c>.</summary>
internal sealed class BlobOptions
{
    public const string SectionName = "Portico:Blobs";

    /// <summary>
    /// The directory of the file-system blob store. Unset: beside a SQLite store (<c>portico.db.blobs</c>); a PostgreSQL
    /// store has no file of its own, so <c>portico-blobs</c> in the working directory (set it, or use S3, when several
    /// instances must share files).
    /// </summary>
    public string? Directory { get; set; }
}
