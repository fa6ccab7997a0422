using System.Security.Cryptography;

namespace Portico.Access;

/// <summary>Identifiers: tenants and users are 24 lowercase hex characters.</summary>
internal static class Ids
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static bool IsWellFormed(string? id)
        => id is { Length: 24 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
