using Portico.Access;

namespace Portico.Identity;

/// <summary>The outcome of checking an access token: a principal, or the one reason it is refused.</summary>
internal sealed record AccessTokenCheck(Principal? Principal, string? Error)
{
    public string? ClientId { get; init; }

    public string? GrantId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? Audience { get; init; }

    public static AccessTokenCheck Refused(string error) => new(null, error);
}
