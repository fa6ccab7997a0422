using System.Security.Cryptography;
using System.Text;

namespace Portico.Identity;

/// <summary>
/// Codes, refresh tokens, client secrets and cookies: 256 random bits, shown once, kept only as a
/// SHA-256. A fast hash is enough for values with that much entropy (passwords use PasswordHasher).
/// </summary>
internal static class Secrets
{
    public static string New(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashHex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public static bool Matches(string presented, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(presented), hash);

    public static bool EqualsFixedTime(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
