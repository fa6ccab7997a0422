using System.Security.Cryptography;

namespace Portico.Policy.Approvals;

/// <summary>Approval ids: <c>apr_</c> and 128 random bits, so an id cannot be guessed (it is still never authorization).</summary>
internal static class ApprovalIds
{
    private const string Prefix = "apr_";

    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="id"/> has the shape of an approval id (anything else is unknown without a query).</summary>
    public static bool IsPlausible(string? id) => id is { Length: 36 } && id.StartsWith(Prefix, StringComparison.Ordinal) && !id.AsSpan(Prefix.Length).ContainsAnyExcept(Hex);
}
