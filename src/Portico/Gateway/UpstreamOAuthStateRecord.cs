namespace Portico.Gateway;

/// <summary>
/// A sign-in at an oauth upstream under way: the <c>state</c> sent to its authorization server
/// (stored hashed, consumed once), whose it is, and the PKCE verifier (Data Protection ciphertext).
/// </summary>
internal sealed class UpstreamOAuthStateRecord
{
    /// <summary>SHA-256 of the state, hex.</summary>
    public required string Id { get; set; }

    public required string Upstream { get; set; }

    public required string UserId { get; set; }

    public required byte[] CodeVerifier { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
