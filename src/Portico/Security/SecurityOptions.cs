namespace Portico.Security;

/// <summary>
/// Bound from <c>Portico:Security</c>: the key-encryption key (KEK) that encrypts the Data Protection
/// key ring in the store. Give exactly one of <see cref="KeyEncryptionKey"/> or <see cref="KeyEncryptionKeyFile"/>;
/// with neither, a SQLite store uses a key file beside itself (<c>portico.db.kek</c>, created on first start).
/// </summary>
internal sealed class SecurityOptions
{
    public const string SectionName = "Portico:Security";

    /// <summary>32 random bytes in base64 (e.g. from an environment variable or a secret store).</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A file holding the 32 bytes in base64; created with mode 0600 if it does not exist.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>Keys that were current before a rotation (base64): still read, and replaced by the current key at start-up.</summary>
    public List<string> PreviousKeyEncryptionKeys { get; set; } = [];

    /// <summary>Files holding previous keys, as <see cref="PreviousKeyEncryptionKeys"/>.</summary>
    public List<string> PreviousKeyEncryptionKeyFiles { get; set; } = [];

    /// <summary>
    /// Development only: run without a key-encryption key when none is configured (PostgreSQL refuses to
    /// start otherwise; SQLite then makes no key file). The key ring is then stored unencrypted.
    /// </summary>
    public bool AllowUnprotectedKeys { get; set; }
}
