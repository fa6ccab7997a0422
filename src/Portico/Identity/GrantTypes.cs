using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// One OAuth grant the token endpoint serves (RFC 6749 §4, RFC 8628 §3.4): its <c>grant_type</c> and how it answers a
/// token request from an authenticated client. Register one with <see cref="GrantTypes.Add{TGrant}"/> in
/// <c>AddPorticoIdentity</c>; the token endpoint, the server metadata and client registration all read the registry.
/// </summary>
internal interface IGrantType
{
    string Name { get; }

    Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client);
}

/// <summary>The grant types this server serves, in registration order: the one list.</summary>
internal sealed class GrantTypes(IEnumerable<IGrantType> grants)
{
    private readonly IReadOnlyList<IGrantType> _grants = [.. grants.DistinctBy(g => g.Name, StringComparer.Ordinal)];

    public IReadOnlyList<string> Names => [.. _grants.Select(g => g.Name)];

    /// <summary>The grant named exactly so (grant_type values are case-sensitive, RFC 6749 §3.2), or null.</summary>
    public IGrantType? Find(string name) => _grants.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));

    public bool Contains(string name) => Find(name) is not null;

    public static IServiceCollection Add<TGrant>(IServiceCollection services)
        where TGrant : class, IGrantType
    {
        services.AddSingleton<IGrantType, TGrant>();
        return services;
    }

    /// <summary>The grants Portico serves (the CLI registers them too: client registration checks against them).</summary>
    public static IServiceCollection AddBuiltIn(IServiceCollection services)
    {
        services.AddSingleton<GrantTypes>();
        Add<AuthorizationCodeGrant>(services);
        Add<RefreshTokenGrant>(services);
        Add<ClientCredentialsGrant>(services);
        Add<DeviceCodeGrant>(services);
        return services;
    }
}

/// <summary>RFC 6749 §4.1.3 with PKCE (S256).</summary>
internal sealed class AuthorizationCodeGrant : IGrantType
{
    public string Name => "authorization_code";

    public Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client)
    {
        var services = context.RequestServices;
        return TokenEndpoint.AuthorizationCodeAsync(context, form, client, services.GetRequiredService<PorticoDbContext>(), services.GetRequiredService<IdentityUrls>(),
            services.GetRequiredService<TokenIssuer>(), services.GetRequiredService<GrantRevocations>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<TokenIssuer>>());
    }
}

/// <summary>RFC 6749 §6, rotated; a reused token revokes its family.</summary>
internal sealed class RefreshTokenGrant : IGrantType
{
    public string Name => "refresh_token";

    public Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client)
    {
        var services = context.RequestServices;
        return TokenEndpoint.RefreshAsync(context, form, client, services.GetRequiredService<PorticoDbContext>(), services.GetRequiredService<IdentityUrls>(),
            services.GetRequiredService<TokenIssuer>(), services.GetRequiredService<GrantRevocations>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<TokenIssuer>>());
    }
}

/// <summary>RFC 6749 §4.4, confidential operator-registered clients only.</summary>
internal sealed class ClientCredentialsGrant : IGrantType
{
    public string Name => "client_credentials";

    public Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client)
    {
        var services = context.RequestServices;
        return TokenEndpoint.ClientCredentialsAsync(context, form, client, services.GetRequiredService<PorticoDbContext>(), services.GetRequiredService<IdentityUrls>(),
            services.GetRequiredService<TokenIssuer>());
    }
}

/// <summary>RFC 8628 §3.4: a device's poll.</summary>
internal sealed class DeviceCodeGrant : IGrantType
{
    public string Name => DeviceFlow.GrantType;

    public Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client)
    {
        var services = context.RequestServices;
        return TokenEndpoint.DeviceCodeAsync(context, form, client, services.GetRequiredService<IdentityUrls>(), services.GetRequiredService<TokenIssuer>(),
            services.GetRequiredService<DeviceAuthorization>());
    }
}
