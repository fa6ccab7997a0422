namespace Portico.Identity;

/// <summary>Builds the redirect back to the client, keeping any query the registered redirect URI already has.</summary>
internal static class AuthorizationResponse
{
    public static string Build(string redirectUri, IEnumerable<(string Name, string? Value)> parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }
}
