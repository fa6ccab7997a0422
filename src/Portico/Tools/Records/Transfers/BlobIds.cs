using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Portico.Tools.Records.Transfers;

/// <summary>Transfer and blob ids: 32 lowercase hex characters of randomness. The only thing a blob's path is made of.</summary>
internal static partial class BlobIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>Refuses anything but an id, so no caller can make a store build a path or key from other text.</summary>
    public static string Check(string id)
        => IsValid(id) ? id : throw new ArgumentException($"'{id}' is not a blob id (32 lowercase hex characters).", nameof(id));

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Pattern();
}
