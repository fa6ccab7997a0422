namespace Portico.Policy.RateLimiting;

/// <summary>Endpoint metadata: <see cref="HttpRateLimitMiddleware"/> counts this endpoint's requests against the caller's per-credential limit.</summary>
internal sealed class CredentialRateLimit
{
    public static readonly CredentialRateLimit Instance = new();

    private CredentialRateLimit()
    {
    }
}
