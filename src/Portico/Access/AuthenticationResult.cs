namespace Portico.Access;

/// <summary>The outcome of checking a credential: a principal, or exactly one failure message with a hint.</summary>
internal sealed record AuthenticationResult(Principal? Principal, string? Error, string? Hint)
{
    public const string InvalidKey = "Invalid API key";
    public const string RevokedKey = "API key has been revoked";
    public const string ExpiredKey = "API key has expired";

    public static AuthenticationResult Success(Principal principal) => new(principal, null, null);

    public static AuthenticationResult Invalid() => new(null, InvalidKey,
        $"Expected {ApiKeyFormat.ExpectedShape}. The key may be truncated or mistyped: copy it whole, or create a new one with 'portico keys create'.");

    public static AuthenticationResult Revoked() => new(null, RevokedKey, "Create a new key with 'portico keys create' and update your client.");

    public static AuthenticationResult Expired() => new(null, ExpiredKey, "Create a new key with 'portico keys create --expires …' and update your client.");
}
