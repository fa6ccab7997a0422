using System.Security.Cryptography;
using System.Text;

namespace Portico.Access;

/// <summary>
/// API keys look like <c>ptk_live_&lt;id&gt;_&lt;secret&gt;</c> (or <c>ptk_test_…</c>): the id (16 hex) finds
/// the key, the secret (32 letters and digits) proves it, and the prefix must be the key's stored kind (a live key
/// presented as <c>ptk_test_…</c> is refused). Only the secret's SHA-256 is stored.
/// </summary>
internal static class ApiKeyFormat
{
    public const string ExpectedShape = "ptk_live_<16 hex>_<32 letters or digits> (or ptk_test_…)";
    private const int IdLength = 16;
    private const int SecretLength = 32;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static bool LooksLikeKey(string value) => value.StartsWith("ptk_", StringComparison.Ordinal);

    public static (string Id, string Plaintext, byte[] SecretHash) Generate(string environment)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return (id, $"ptk_{environment}_{id}_{secret}", Hash(secret));
    }

    public static bool TryParse(string value, out string environment, out string id, out string secret)
    {
        environment = id = secret = "";
        var parts = value.Split('_');
        if (parts is not ["ptk", "live" or "test", { Length: IdLength } keyId, { Length: SecretLength } keySecret] ||
            !keyId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') ||
            !keySecret.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        (environment, id, secret) = (parts[1], keyId, keySecret);
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
