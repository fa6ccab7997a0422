namespace Portico.Identity;

/// <summary>An RFC 6749 error: the <c>error</c> code, a description that says which cause applies, and the HTTP status.</summary>
internal sealed class OAuthException(string error, string description, int status = StatusCodes.Status400BadRequest) : Exception(description)
{
    public string Error { get; } = error;

    public int Status { get; } = status;

    /// <summary>Set when the client authenticated with HTTP Basic, so a 401 challenges the same way (RFC 6749 5.2).</summary>
    public bool BasicChallenge { get; init; }

    public static OAuthException InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthException InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthException InvalidClient(string description) => new("invalid_client", description, StatusCodes.Status401Unauthorized);
}
