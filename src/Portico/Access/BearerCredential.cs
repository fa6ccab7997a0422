namespace Portico.Access;

/// <summary>Reads the credential of a request, for the MCP paths and the admin API alike.</summary>
internal static class BearerCredential
{
    /// <summary>The credential of <c>Authorization: Bearer …</c> (or a raw <c>Authorization: ptk_…</c>); empty when there is none.</summary>
    public static string From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().Trim();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : header;
    }

    /// <summary>An OAuth access token (a JWT: three dot-separated parts) rather than an API key.</summary>
    public static bool IsAccessToken(string credential) => !ApiKeyFormat.LooksLikeKey(credential) && credential.Count(c => c == '.') == 2;
}
