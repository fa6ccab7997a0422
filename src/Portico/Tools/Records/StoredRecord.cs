namespace Portico.Tools.Records;

/// <summary>A record as read from the store: an immutable snapshot, so nothing outside <see cref="TenantRecords"/> can write it back.</summary>
internal sealed record StoredRecord(
    string TenantId,
    string Id,
    string Collection,
    string Data,
    int Version,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
