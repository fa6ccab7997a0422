namespace Portico.Schema;

/// <summary>
/// URI handling for <c>$id</c>, <c>$ref</c>, <c>$anchor</c> and <c>$schema</c> (RFC 3986 resolution).
/// Fragments are kept apart from System.Uri, which would otherwise re-escape JSON pointer text; URNs
/// and other non-hierarchical bases only take fragment-only references, as RFC 3986 allows.
/// </summary>
internal static class SchemaUri
{
    /// <summary>
    /// The base a root schema gets before its own <c>$id</c>, so references and a relative <c>$id</c>
    /// ("tool.json") still resolve. Hierarchical on purpose, under the reserved .invalid domain.
    /// </summary>
    public const string DefaultBase = "https://schema.portico.invalid/root.json";

    /// <summary>
    /// Resolves <paramref name="reference"/> against <paramref name="baseUri"/> (which has no fragment).
    /// Returns the absolute URI without its fragment, and the raw fragment (null when there is none);
    /// false when the reference cannot be resolved (malformed, or relative to a URN).
    /// </summary>
    public static bool TryResolve(string baseUri, string reference, out string resolved, out string? fragment)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        fragment = hash < 0 ? null : reference[(hash + 1)..];
        var body = hash < 0 ? reference : reference[..hash];
        resolved = baseUri;
        if (body.Length == 0)
        {
            return true;
        }

        if (HasScheme(body))
        {
            return TryNormalise(body, out resolved);
        }

        if (!Uri.TryCreate(baseUri, UriKind.Absolute, out var parent) || parent.IsUnc || !IsHierarchical(baseUri)
            || !Uri.TryCreate(parent, body, out var combined))
        {
            return false;
        }

        resolved = combined.AbsoluteUri;
        return true;
    }

    private static bool TryNormalise(string absolute, out string normalised)
    {
        normalised = absolute;
        if (!IsHierarchical(absolute))
        {
            return true; // urn:..., tag:... compare as written
        }

        if (!Uri.TryCreate(absolute, UriKind.Absolute, out var uri))
        {
            return false;
        }

        normalised = uri.AbsoluteUri;
        return true;
    }

    private static bool IsHierarchical(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && uri.AsSpan(colon + 1).StartsWith("/", StringComparison.Ordinal);
    }

    private static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
