using System.Security.Cryptography;
using System.Text;

namespace Portico.Identity;

/// <summary>PKCE (RFC 7636), S256 only: <c>plain</c> protects nothing against an interceptor and OAuth 2.1 drops it.</summary>
internal static class Pkce
{
    public static bool IsValidVerifier(string verifier)
        => verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool Matches(string verifier, string challenge)
        => Secrets.EqualsFixedTime(Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), challenge);
}
