namespace Portico.Tools.Records;

/// <summary>A record as read from the store: an immutable snapshot, so nothing outside <see cref="TenantEntities"/> can write it back.</summary>
internal sealed record StoredEntity(
    string TenantId,
    string Id,
    string Model,
    string Data,
    int Version,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishAt = null,
    DateTimeOffset? UnpublishAt = null);
