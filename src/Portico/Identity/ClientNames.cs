using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Whose word a client's name is. An operator's (<c>portico clients add</c>) or Portico's own clients are verified;
/// a client that registered itself or is described by a metadata document chose its own name, so the pages mark it
/// unverified, and such a name may not pass for a verified one: registration refuses a name whose look-alike
/// skeleton — case, spacing, punctuation, accents, invisible characters and common homoglyphs ignored — equals that
/// of Portico's own name or of an operator-registered client.
/// </summary>
internal static class ClientNames
{
    /// <summary>The name of the built-in client of the <c>authenticate</c> session tool.</summary>
    public const string SessionClientName = "Portico MCP session";

    /// <summary>Names that are Portico's own, besides those of operator-registered clients.</summary>
    public static readonly string[] BuiltIn = ["Portico", SessionClientName];

    /// <summary>Latin letters a Cyrillic or Greek letter (lower case) is commonly mistaken for; digits and letters that read as others.</summary>
    private static readonly Dictionary<char, char> LookAlikes = Table(
        ("аα4", 'a'), ("вβ8", 'b'), ("с", 'c'), ("ԁ", 'd'), ("еёε3", 'e'), ("ɡ", 'g'), ("н", 'h'), ("іїιi1", 'l'), ("ј", 'j'), ("кκ", 'k'), ("м", 'm'),
        ("η", 'n'), ("оο0", 'o'), ("рρ", 'p'), ("ԛ", 'q'), ("ѕ5", 's'), ("тτ7", 't'), ("υμ", 'u'), ("ν", 'v'), ("ԝω", 'w'), ("хχ", 'x'), ("у", 'y'));

    /// <summary>
    /// Accented Latin letters (Latin-1 Supplement and Extended-A, lower case) and their base letter. Written out because
    /// the server runs with invariant globalization, where <see cref="string.Normalize()"/> leaves such letters alone.
    /// </summary>
    private static readonly Dictionary<char, char> Accented = Table(
        ("àáâãäåāăą", 'a'), ("çćĉċč", 'c'), ("ďđð", 'd'), ("èéêëēĕėęě", 'e'), ("ĝğġģ", 'g'), ("ĥħ", 'h'), ("ìíîïĩīĭįı", 'i'), ("ĵ", 'j'), ("ķĸ", 'k'),
        ("ĺļľŀł", 'l'), ("ñńņňŉŋ", 'n'), ("òóôõöøōŏő", 'o'), ("ŕŗř", 'r'), ("śŝşšſ", 's'), ("ţťŧ", 't'), ("ùúûüũūŭůűų", 'u'), ("ŵ", 'w'),
        ("ýÿŷ", 'y'), ("źżž", 'z'));

    /// <summary>The name as the user can trust it: operator-registered (and built-in) clients only.</summary>
    public static bool IsVerified(OAuthClientRecord client) => client.OperatorRegistered && !ClientMetadataDocuments.IsUrl(client.Id);

    /// <summary>What a name looks like once the differences a reader does not see are removed.</summary>
    public static string Skeleton(string name)
    {
        var letters = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            // Combining marks, zero-width and direction characters, spaces, punctuation and symbols all vanish.
            if (!Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            // Fullwidth forms (U+FF01–U+FF5E) are ASCII in disguise.
            var plain = rune.Value is >= 0xFF01 and <= 0xFF5E ? new Rune(rune.Value - 0xFEE0) : rune;
            var lower = Rune.ToLowerInvariant(plain).ToString();
            if (lower.Length == 1 && Accented.TryGetValue(lower[0], out var unaccented))
            {
                lower = unaccented.ToString();
            }

            letters.Append(lower.Length == 1 && LookAlikes.TryGetValue(lower[0], out var latin) ? latin.ToString() : lower);
        }

        // Pairs that read as one letter in most fonts.
        return letters.ToString().Replace("rn", "m", StringComparison.Ordinal).Replace("vv", "w", StringComparison.Ordinal).Replace("cl", "d", StringComparison.Ordinal);
    }

    private static Dictionary<char, char> Table(params (string Letters, char Base)[] rows)
        => rows.SelectMany(r => r.Letters.Select(c => (Letter: c, r.Base))).ToDictionary(p => p.Letter, p => p.Base);

    /// <summary>
    /// Throws <paramref name="refuse"/>'s exception when <paramref name="name"/>, chosen by the client itself, would pass for Portico's own
    /// or an operator-registered client's name.
    /// </summary>
    public static async Task RefuseImpersonationAsync(PorticoDbContext db, string? name, Func<string, OAuthException> refuse, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return;
        }

        var skeleton = Skeleton(name);
        if (skeleton.Length == 0)
        {
            throw refuse("client_name has no letters or digits; leave it out or use a readable name.");
        }

        var verified = await db.Set<OAuthClientRecord>().AsNoTracking().Where(c => c.OperatorRegistered && c.Name != null).Select(c => c.Name!).ToListAsync(cancellationToken);
        if (BuiltIn.Concat(verified).FirstOrDefault(v => Skeleton(v) == skeleton) is { } taken)
        {
            throw refuse($"client_name '{name}' is too close to '{taken}', the name of a client this server's operator vouches for. Choose a name of your own.");
        }
    }
}
