namespace Portico.Identity;

/// <summary>Bound from <c>Portico:Identity:ClientMetadata</c>: how Client ID Metadata Documents (a <c>client_id</c> that is a URL) are fetched and cached.</summary>
internal sealed class ClientMetadataOptions
{
    public const string SectionName = "Portico:Identity:ClientMetadata";

    /// <summary>
    /// For development only: accept <c>http://localhost</c> / <c>http://127.0.0.1</c> client_id URLs and fetch from loopback
    /// and private addresses. Off, a client_id must be https and may not point into the server's own network (SSRF).
    /// </summary>
    public bool AllowLoopbackHttp { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The draft suggests 5 KB: a metadata document is a handful of fields.</summary>
    public int MaxBytes { get; set; } = 5 * 1024;

    /// <summary>Used when the document's response has no <c>Cache-Control: max-age</c>.</summary>
    public TimeSpan DefaultCacheLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A shorter max-age (or no-store) is raised to this, so a busy client does not make Portico fetch on every request.</summary>
    public TimeSpan MinCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A longer max-age is cut to this, so a changed document (a removed redirect URI) is seen within a day.</summary>
    public TimeSpan MaxCacheLifetime { get; set; } = TimeSpan.FromHours(24);
}
