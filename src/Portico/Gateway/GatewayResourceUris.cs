namespace Portico.Gateway;

/// <summary>
/// Catalog URIs of upstream resources: <c>prefix+original-uri</c> (e.g.
/// <c>everything+demo://resource/static/document/a.md</c>; templates likewise). Upstream names cannot
/// contain <c>+</c>, so the first <c>+</c> always separates the prefix and the upstream's URI comes
/// back unchanged; clients treat resource URIs as opaque, so the form needs no escaping.
/// </summary>
internal static class GatewayResourceUris
{
    public const char Separator = '+';

    public static string Build(string prefix, string uri) => prefix + Separator + uri;

    public static bool TrySplit(string uri, out string prefix, out string original)
    {
        var at = uri.IndexOf(Separator, StringComparison.Ordinal);
        (prefix, original) = at > 0 ? (uri[..at], uri[(at + 1)..]) : ("", "");
        return at > 0;
    }
}
