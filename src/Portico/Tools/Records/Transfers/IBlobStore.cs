namespace Portico.Tools.Records.Transfers;

/// <summary>
/// Where transferred files' bytes live, by blob id (a transfer's 32-hex id; never a name a client chose). Writes append, so
/// an upload cut off half-way keeps what arrived and continues from there.
/// </summary>
internal interface IBlobStore
{
    /// <summary>The bytes stored so far, or null when the blob does not exist.</summary>
    Task<long?> LengthAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>
    /// A stream that appends to the blob, created if missing, when it holds exactly <paramref name="offset"/> bytes
    /// (<paramref name="restart"/>: emptied first, for a whole-file PUT). Otherwise no stream and the blob's length, or
    /// busy when another request is writing it. Bytes written before a failure stay.
    /// </summary>
    Task<BlobAppend> OpenAppendAsync(string blobId, long offset, bool restart, CancellationToken cancellationToken);

    /// <summary>The blob from <paramref name="offset"/>, or null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string blobId, long offset, CancellationToken cancellationToken);

    /// <summary>Deletes the blob; nothing happens when it is gone already (sweepers on several instances may race).</summary>
    Task DeleteAsync(string blobId, CancellationToken cancellationToken);
}
