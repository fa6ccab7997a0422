namespace Portico.Identity;

/// <summary>An authorization error sent back to the client's (verified) redirect URI, as RFC 6749 4.1.2.1 and RFC 9207 (<c>iss</c>) say.</summary>
internal sealed class AuthorizationRedirectException(string redirectUri, string error, string description, string? state, string issuer) : Exception(description)
{
    public string Location { get; } = AuthorizationResponse.Build(redirectUri, [("error", error), ("error_description", description), ("state", state), ("iss", issuer)]);
}
