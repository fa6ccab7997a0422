using Portico.Access;

namespace Portico.Identity;

/// <summary>The scopes a token may carry, and the check that turns a typo into a suggestion rather than a bare refusal.</summary>
internal static class OAuthScopes
{
    public const string OfflineAccess = "offline_access";

    public static readonly IReadOnlyList<string> Supported = [.. Scopes.AllAreaScopes, Scopes.Admin, OfflineAccess];

    /// <summary>What a client gets when it asks for nothing: every area, not admin.</summary>
    public static IReadOnlySet<string> Default => new SortedSet<string>(Scopes.AllAreaScopes, StringComparer.Ordinal);

    /// <summary>Parses a space-separated <c>scope</c> parameter; throws <c>invalid_scope</c> naming the unknown scope and the nearest supported one.</summary>
    public static IReadOnlySet<string> Parse(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            return Default;
        }

        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Supported.Contains(item))
            {
                var suggestion = Suggest(item);
                throw new OAuthException("invalid_scope",
                    $"Unknown scope '{item}'.{(suggestion is null ? "" : $" Did you mean '{suggestion}'? (note the slash, not a dot)")} Supported scopes: {string.Join(" ", Supported)} (also listed at /.well-known/oauth-protected-resource).");
            }

            result.Add(item);
        }

        return result;
    }

    /// <summary>
    /// <see cref="Parse"/>, then refuses a scope the client did not register (<c>invalid_scope</c>); asking for
    /// nothing means the registered scopes (or <see cref="Default"/> when the client registered none).
    /// </summary>
    public static IReadOnlySet<string> ParseFor(OAuthClientRecord client, string? scope)
    {
        var scopes = Parse(string.IsNullOrWhiteSpace(scope) ? client.Scope : scope);
        if (client.Scope is not null && scopes.FirstOrDefault(s => !client.Scope.Split(' ').Contains(s)) is { } notAllowed)
        {
            throw new OAuthException("invalid_scope", $"Scope '{notAllowed}' is not among the scopes this client registered: {client.Scope}.");
        }

        return scopes;
    }

    public static string Format(IEnumerable<string> scopes) => string.Join(' ', scopes);

    /// <summary>The supported scope nearest to <paramref name="unknown"/>: same letters ignoring punctuation and case, else within a small edit distance.</summary>
    public static string? Suggest(string unknown)
    {
        var key = Letters(unknown);
        var same = Supported.FirstOrDefault(s => Letters(s) == key);
        if (same is not null)
        {
            return same;
        }

        var best = Supported.Select(s => (Scope: s, Distance: Distance(s, unknown))).MinBy(c => c.Distance);
        return best.Distance <= 3 ? best.Scope : null;
    }

    private static string Letters(string value) => new([.. value.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
