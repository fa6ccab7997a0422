namespace Portico.Connectors;

/// <summary>
/// A sign-in at an OAuth connector's provider under way: the <c>state</c> sent to it (stored hashed, consumed once), the
/// tenant the account will belong to, the Portico user who started it (only they can finish it), the label they gave, and
/// the PKCE verifier (Data Protection ciphertext).
/// </summary>
internal sealed class ConnectorOAuthStateRecord
{
    /// <summary>SHA-256 of the state, hex.</summary>
    public required string Id { get; set; }

    public required string Connector { get; set; }

    public required string TenantId { get; set; }

    public required string UserId { get; set; }

    public required string Label { get; set; }

    public required byte[] CodeVerifier { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
