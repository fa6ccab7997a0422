namespace Portico.Identity;

/// <summary>An ES256 key that signs access tokens; kept in the store so every instance signs and validates with the same keys.</summary>
internal sealed class SigningKeyRecord
{
    /// <summary>The <c>kid</c>.</summary>
    public required string Id { get; set; }

    /// <summary>PKCS#8, protected with Data Protection (never stored in plain text).</summary>
    public required byte[] PrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>No longer signs; still validates until its tokens have expired.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
