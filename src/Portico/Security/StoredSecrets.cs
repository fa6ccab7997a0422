using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Portico.Security;

/// <summary>
/// Secrets that people paste and Portico keeps for them (upstream credentials, tenant integrations): what a storable
/// secret is, and Data Protection under a purpose that names the row, so ciphertext copied into another row (another
/// tenant's, another upstream's) does not decrypt there.
/// </summary>
internal static class StoredSecrets
{
    /// <summary>API keys and tokens are far shorter; this bounds what a row and a request header may carry.</summary>
    public const int MaxLength = 8192;

    /// <summary>Why <paramref name="secret"/> cannot be stored, or null when it can: one line, not empty, at most <see cref="MaxLength"/>.</summary>
    public static string? Problem(string secret)
        => secret.Length == 0 ? "The secret is empty."
            : secret.Length > MaxLength ? $"The secret is longer than {MaxLength} characters."
            : secret.Any(char.IsControl) ? "The secret contains a line break or another control character; a secret is one line of text (it travels in a request header)."
            : null;

    /// <summary>Encrypts <paramref name="secret"/> for the row named by <paramref name="row"/> (e.g. its key columns).</summary>
    public static byte[] Protect(IDataProtectionProvider protection, string purpose, string secret, params string[] row)
        => protection.CreateProtector(purpose, row).Protect(Encoding.UTF8.GetBytes(secret));

    /// <summary>Decrypts a secret stored for the row named by <paramref name="row"/>; throws when it was encrypted for another row.</summary>
    public static string Unprotect(IDataProtectionProvider protection, string purpose, byte[] ciphertext, params string[] row)
        => Encoding.UTF8.GetString(protection.CreateProtector(purpose, row).Unprotect(ciphertext));
}
