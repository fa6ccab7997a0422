namespace Portico.Mcp;

/// <summary>A session that is open now, as the portal lists it: its client, revision, times, owner and active tenant.</summary>
internal sealed record OpenSession(
    string Id,
    string? ClientName,
    string? ClientVersion,
    string ProtocolVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    string OwnerId,
    string? OwnerEmail,
    string? ActiveTenantId,
    string? ActiveTenantName);
