namespace Portico.Access;

/// <summary>
/// Scope strings shared by API keys and OAuth tokens: <c>portico/&lt;area&gt;.&lt;read|write&gt;</c> plus
/// <c>portico/admin</c>. Keys may be created with short forms: an area (<c>records</c>: read and
/// write), an area and access (<c>records.read</c>), or <c>all</c>.
/// </summary>
internal static class Scopes
{
    public const string Admin = "portico/admin";

    /// <summary>Read <c>/metrics</c> (the Prometheus scrape). Server-wide, so never part of <c>all</c> nor offered to OAuth clients: an operator grants it to a scraper's key.</summary>
    public const string Metrics = "portico/metrics";

    public static readonly string[] Areas = ["content", "records", "workflows", "files", "vendors", "integrations"];

    public static string Read(string area) => $"portico/{area}.read";

    public static string Write(string area) => $"portico/{area}.write";

    public static IEnumerable<string> AllAreaScopes => Areas.SelectMany(a => new[] { Read(a), Write(a) });

    /// <summary>Expands short forms; throws <see cref="ArgumentException"/> naming the unknown item and the valid ones.</summary>
    public static IReadOnlySet<string> Parse(string? list)
    {
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(list))
        {
            scopes.UnionWith(AllAreaScopes);
            return scopes;
        }

        foreach (var raw in list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var item = raw.StartsWith("portico/", StringComparison.Ordinal) ? raw["portico/".Length..] : raw;
            if (item == "all")
            {
                scopes.UnionWith(AllAreaScopes);
            }
            else if (item == "admin")
            {
                scopes.Add(Admin);
            }
            else if (item == "metrics")
            {
                scopes.Add(Metrics);
            }
            else if (Array.IndexOf(Areas, item) >= 0)
            {
                scopes.Add(Read(item));
                scopes.Add(Write(item));
            }
            else if (item.Split('.') is [var area, var access] && Array.IndexOf(Areas, area) >= 0 && access is "read" or "write")
            {
                scopes.Add($"portico/{area}.{access}");
            }
            else
            {
                throw new ArgumentException($"Unknown scope '{raw}'. Use: all, admin, metrics, {string.Join(", ", Areas)}, or <area>.read / <area>.write.");
            }
        }

        return scopes;
    }

    /// <summary>A write scope includes reading the same area.</summary>
    public static bool Allows(IReadOnlySet<string> granted, string required)
        => granted.Contains(required)
            || (required.EndsWith(".read", StringComparison.Ordinal) && granted.Contains(required[..^".read".Length] + ".write"));
}
