using System.Security.Cryptography;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The rules for a registered client, whether it registers itself (<c>/oauth/register</c>) or an administrator adds it
/// (<c>portico clients add</c>): supported auth method and grants, usable redirect URIs, known scopes. A confidential
/// client's secret is returned once and only its hash is kept. Only an operator's client may use
/// <c>client_credentials</c>, and only bound to a service principal, a tenant and explicit scopes: anyone can
/// register a client, so a self-registered one acts only for the users who sign in through it.
/// </summary>
internal static class ClientRegistrations
{
    /// <summary>The grants a client may have without an operator (self-registered, metadata document): each acts for a user who signs in.</summary>
    public static readonly string[] SelfRegisteredGrantTypes = ["authorization_code", "refresh_token", DeviceFlow.GrantType];

    /// <summary>Throws <see cref="OAuthException"/> (<c>invalid_client_metadata</c> or <c>invalid_redirect_uri</c>) naming what is wrong.</summary>
    /// <param name="byOperator">Null for a client registering itself.</param>
    public static (OAuthClientRecord Client, string? Secret) New(GrantTypes supported, string? name, string authMethod, IReadOnlyCollection<string> redirectUris, IReadOnlyCollection<string> grantTypes,
        string? scope, OperatorClient? byOperator, DateTimeOffset now)
    {
        CheckGrants(supported, authMethod, grantTypes, byOperator is not null, byOperator?.MayIntrospect == true);
        if (grantTypes.Contains("client_credentials") && (byOperator?.ServiceUserId is null || byOperator.TenantId is null || scope is null))
        {
            throw Metadata("client_credentials needs a service principal, a tenant and explicit scopes: its tokens act as that principal, bound to that tenant, limited to those scopes.");
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
            OperatorRegistered = byOperator is not null,
            ServiceUserId = grantTypes.Contains("client_credentials") ? byOperator!.ServiceUserId : null,
            TenantId = grantTypes.Contains("client_credentials") ? byOperator!.TenantId : null,
            MayIntrospect = byOperator?.MayIntrospect == true && secret is not null,
            CreatedAt = now,
        };
        return (client, secret);
    }

    /// <summary>The auth method and grants alone, checked before anything is looked up (the CLI checks them first too).</summary>
    /// <param name="byOperator">False for a client registering itself.</param>
    /// <param name="mayIntrospect">A resource server, which needs no grant of its own.</param>
    public static void CheckGrants(GrantTypes supported, string authMethod, IReadOnlyCollection<string> grantTypes, bool byOperator, bool mayIntrospect)
    {
        if (!ClientRegistrationEndpoint.AuthMethods.Contains(authMethod))
        {
            throw Metadata($"token_endpoint_auth_method '{authMethod}' is not supported. Use one of: {string.Join(", ", ClientRegistrationEndpoint.AuthMethods)}.");
        }

        if (!byOperator && grantTypes.Contains("client_credentials"))
        {
            throw Metadata("client_credentials is not available to clients that register themselves: a token for the client itself needs a service principal, "
                + "a tenant and scopes an operator chose (portico clients add --confidential --service-principal EMAIL --tenant ID --scopes …). "
                + $"Register for the user-delegated grants instead: {string.Join(", ", SelfRegisteredGrantTypes)}.");
        }

        if (grantTypes.Count == 0 && !mayIntrospect)
        {
            throw Metadata($"grant_types is empty. Use some of: {string.Join(", ", supported.Names)}.");
        }

        if (grantTypes.FirstOrDefault(g => !supported.Contains(g)) is { } unknownGrant)
        {
            throw Metadata($"grant_type '{unknownGrant}' is not supported. Use: {string.Join(", ", supported.Names)}.");
        }

        if (authMethod == "none" && grantTypes.Contains("client_credentials"))
        {
            throw Metadata("client_credentials needs a confidential client: use token_endpoint_auth_method client_secret_basic or client_secret_post.");
        }
    }

    private static OAuthException Metadata(string description) => new("invalid_client_metadata", description);
}
