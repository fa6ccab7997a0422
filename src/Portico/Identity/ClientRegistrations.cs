using System.Security.Cryptography;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The rules for a registered client, whether it registers itself (<c>/oauth/register</c>) or an administrator adds it
/// (<c>portico clients add</c>): supported auth method and grants, usable redirect URIs, known scopes. A confidential
/// client's secret is returned once and only its hash is kept.
/// </summary>
internal static class ClientRegistrations
{
    /// <summary>Raised when a client is added or removed, so caches keyed by client id drop it.</summary>
    public const string Topic = "oauth_client";

    /// <summary>Throws <see cref="OAuthException"/> (<c>invalid_client_metadata</c> or <c>invalid_redirect_uri</c>) naming what is wrong.</summary>
    public static (OAuthClientRecord Client, string? Secret) New(string? name, string authMethod, IReadOnlyCollection<string> redirectUris, IReadOnlyCollection<string> grantTypes,
        string? scope, DateTimeOffset now)
    {
        if (!ClientRegistrationEndpoint.AuthMethods.Contains(authMethod))
        {
            throw Metadata($"token_endpoint_auth_method '{authMethod}' is not supported. Use one of: {string.Join(", ", ClientRegistrationEndpoint.AuthMethods)}.");
        }

        if (grantTypes.Count == 0)
        {
            throw Metadata($"grant_types is empty. Use some of: {string.Join(", ", ClientRegistrationEndpoint.GrantTypes)}.");
        }

        if (grantTypes.FirstOrDefault(g => !ClientRegistrationEndpoint.GrantTypes.Contains(g)) is { } unknownGrant)
        {
            throw Metadata($"grant_type '{unknownGrant}' is not supported. Use: {string.Join(", ", ClientRegistrationEndpoint.GrantTypes)}.");
        }

        if (authMethod == "none" && grantTypes.Contains("client_credentials"))
        {
            throw Metadata("client_credentials needs a confidential client: use token_endpoint_auth_method client_secret_basic or client_secret_post.");
        }

        if (grantTypes.Contains("authorization_code") && redirectUris.Count == 0)
        {
            throw new OAuthException("invalid_redirect_uri", "redirect_uris is required for the authorization_code grant.");
        }

        if (redirectUris.Select(RedirectUris.Problem).FirstOrDefault(p => p is not null) is { } problem)
        {
            throw new OAuthException("invalid_redirect_uri", problem);
        }

        if (scope is not null)
        {
            try
            {
                scope = OAuthScopes.Format(OAuthScopes.Parse(scope));
            }
            catch (OAuthException ex)
            {
                throw Metadata(ex.Message);
            }
        }

        var secret = authMethod == "none" ? null : Secrets.New("pcs_");
        var client = new OAuthClientRecord
        {
            Id = "pcl_" + Secrets.Base64Url(RandomNumberGenerator.GetBytes(16)),
            SecretHash = secret is null ? null : Secrets.Hash(secret),
            Name = name is { Length: > 200 } ? name[..200] : name,
            AuthMethod = authMethod,
            RedirectUris = string.Join(' ', redirectUris),
            GrantTypes = string.Join(' ', grantTypes),
            Scope = scope,
            CreatedAt = now,
        };
        return (client, secret);
    }

    private static OAuthException Metadata(string description) => new("invalid_client_metadata", description);
}
