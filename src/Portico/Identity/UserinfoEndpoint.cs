using Portico.Access;

namespace Portico.Identity;

/// <summary>
/// The OpenID Connect userinfo endpoint, <c>GET /oauth/userinfo</c>: who the presented access token (or API key) acts for, as
/// <c>sub</c> — the Portico user's id, the same for every client and token of that user. A client that signed a user in
/// with Portico (another Portico connecting accounts, for one) learns whose account it holds. Nothing else about the user
/// is given out.
/// </summary>
internal static class UserinfoEndpoint
{
    public const string Path = "/oauth/userinfo";

    public static Task HandleAsync(HttpContext http)
    {
        var subject = http.GetPrincipal().Id;
        return OAuthJson.WriteAsync(http, StatusCodes.Status200OK, json => json.WriteString("sub", subject));
    }
}
