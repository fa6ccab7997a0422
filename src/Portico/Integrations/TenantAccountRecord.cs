namespace Portico.Integrations;

/// <summary>
/// One account a tenant connected for an integration that is connected by OAuth accounts (an OAuth connector): its
/// <see cref="Id"/> is the <c>accountId</c> tools take, <see cref="Tokens"/> Data Protection ciphertext bound to this row's
/// tenant, integration and id, so it cannot be read in place of another row's.
/// </summary>
internal sealed class TenantAccountRecord
{
    /// <summary><c>acc_</c> and random characters: what callers pass as <c>accountId</c>.</summary>
    public required string Id { get; set; }

    public required string TenantId { get; set; }

    public required string Integration { get; set; }

    /// <summary>What the person who connected it called it (e.g. "Support mailbox").</summary>
    public required string Label { get; set; }

    /// <summary>Who the account is at the provider (its <c>sub</c>), when the provider said; shown, never trusted for access.</summary>
    public string? Subject { get; set; }

    public required byte[] Tokens { get; set; }

    /// <summary>New at every token change: a refresh replaces tokens only when the stamp it read is still current.</summary>
    public required string Stamp { get; set; }

    /// <summary>Set while one instance refreshes the tokens; the others wait for the new stamp instead of spending the refresh token again.</summary>
    public DateTimeOffset? RefreshClaimedUntil { get; set; }

    /// <summary>Set when the provider refused a refresh: the account must be connected again.</summary>
    public DateTimeOffset? InvalidAt { get; set; }

    public string? InvalidReason { get; set; }

    public DateTimeOffset ConnectedAt { get; set; }

    /// <summary>The Portico user who connected it.</summary>
    public string? ConnectedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
