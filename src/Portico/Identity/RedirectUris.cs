namespace Portico.Identity;

/// <summary>Redirect URI rules: exact match, except that a loopback URI may use any port (RFC 8252 7.3), since native apps pick a free port per run.</summary>
internal static class RedirectUris
{
    public static bool Matches(string registered, string presented)
    {
        if (string.Equals(registered, presented, StringComparison.Ordinal))
        {
            return true;
        }

        return Uri.TryCreate(registered, UriKind.Absolute, out var r) && Uri.TryCreate(presented, UriKind.Absolute, out var p)
            && r.Scheme == Uri.UriSchemeHttp && p.Scheme == Uri.UriSchemeHttp && IsLoopback(r) && IsLoopback(p)
            && string.Equals(r.Host, p.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.PathAndQuery, p.PathAndQuery, StringComparison.Ordinal);
    }

    /// <summary>Null if acceptable for registration, else why not: https, loopback http, or a private-use scheme (native apps); never a fragment.</summary>
    public static string? Problem(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return $"'{uri}' is not an absolute URI.";
        }

        if (parsed.Fragment.Length > 0 || uri.Contains('#', StringComparison.Ordinal))
        {
            return $"'{uri}' has a fragment; redirect URIs must not (RFC 6749 3.1.2).";
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !IsLoopback(parsed))
        {
            return $"'{uri}' uses http on a non-loopback host; use https, or http://127.0.0.1:PORT/… for a local app.";
        }

        return parsed.Scheme is "javascript" or "data" or "file" ? $"'{uri}' uses a scheme that cannot receive a redirect." : null;
    }

    public static bool IsLoopback(Uri uri) => uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
}
