using System.Security.Cryptography;
using System.Text;

namespace Portico.Catalog;

/// <summary>
/// Catalog names of upstream tools: <c>prefix__tool</c>. Clients accept at most 64 characters of
/// <c>[A-Za-z0-9_.-]</c>, so a longer or unusual name is shortened and suffixed with a hash of the
/// original — deterministic (the same name after every restart, on every instance) and distinct.
/// </summary>
internal static class VendorToolNames
{
    public const int MaxLength = 64;
    public const string Separator = "__";
    private const int HashLength = 8;

    public static string Build(string prefix, string tool)
    {
        var sanitized = string.Concat(tool.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'));
        var full = prefix + Separator + sanitized;
        if (full.Length <= MaxLength && sanitized == tool)
        {
            return full;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + "\n" + tool)))[..HashLength];
        return full[..Math.Min(full.Length, MaxLength - HashLength - 1)] + "_" + hash;
    }
}
