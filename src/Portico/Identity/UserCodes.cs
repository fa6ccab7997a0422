using System.Security.Cryptography;

namespace Portico.Identity;

/// <summary>
/// User codes (RFC 8628 6.1): eight letters from 20 consonants — no vowels (no words), no digits or
/// look-alikes (0/O, 1/I/L, 5/S) to misread — shown as <c>BCDF-GHJK</c>. About 34 bits, enough for a
/// ten-minute code that also needs a signed-in user to approve. Kept only as a SHA-256, like every code.
/// </summary>
internal static class UserCodes
{
    public const string Alphabet = "BCDFGHJKLMNPQRSTVWXZ";
    public const int Length = 8;

    public static string New()
    {
        var letters = new char[Length];
        for (var i = 0; i < Length; i++)
        {
            letters[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return Format(new string(letters));
    }

    /// <summary>The code as typed by a person: case, spaces and dashes do not matter. Null when it cannot be a user code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }

        var letters = new string([.. typed.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);
        return letters.Length == Length && letters.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? letters : null;
    }

    public static string Format(string normalized) => $"{normalized[..4]}-{normalized[4..]}";

    public static string Hash(string normalized) => Secrets.HashHex("user_code:" + normalized);
}
