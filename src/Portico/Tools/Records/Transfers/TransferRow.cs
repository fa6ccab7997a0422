using Portico.Catalog;

namespace Portico.Tools.Records.Transfers;

/// <summary>
/// A transfer reservation of a tenant: an upload (<c>prepare_file_upload</c>; once its bytes are in and their checksum
/// matched, the uploaded file) or a download (<c>get_file_download</c>, <c>export_entities</c>). Its URL is
/// <c>/transfers/{Id}</c>; only <see cref="OwnerId"/>, still a member of the tenant, may use it.
/// </summary>
internal sealed class TransferRow : ITenantOwned
{
    public const string Upload = "upload";

    public const string Download = "download";

    public required string TenantId { get; set; }

    /// <summary>32 lowercase hex characters of randomness; never authorization on its own.</summary>
    public required string Id { get; set; }

    /// <summary><see cref="Upload"/> or <see cref="Download"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The user who asked for it (<c>Principal.Id</c>): the only caller its URL answers.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The file's name as the client gave it: a label, never part of a path.</summary>
    public required string Name { get; set; }

    public required string ContentType { get; set; }

    /// <summary>The file's length in bytes: declared by the upload, measured for a download.</summary>
    public long Size { get; set; }

    /// <summary>The SHA-256 of the whole file, 64 lowercase hex characters.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The blob holding the bytes: the transfer's own id, or for a download of an uploaded file, that file's id.</summary>
    public required string BlobId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>After this the URL answers 410 and the sweeper deletes the blob (if the transfer owns it).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When an upload's last byte arrived and its checksum matched; set from creation for downloads.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public bool OwnsBlob => BlobId == Id;
}
