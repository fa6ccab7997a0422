using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

internal static class IdentityServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdentityEntities();
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.SectionName));
        services.AddOptions<ClientMetadataOptions>().Bind(configuration.GetSection(ClientMetadataOptions.SectionName));
        services.AddSingleton<ClientMetadataDocuments>();
        services.AddSingleton<IdentityUrls>();
        GrantTypes.AddBuiltIn(services);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<GrantRevocations>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<TokenIssuer>();
        services.AddScoped<DeviceAuthorization>();
        services.AddSingleton<DeviceCodeGuesses>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<BrowserSessions>();
        // A single registered scheme would become the default, and WebApplication would then authenticate every request
        // before routing (no endpoint, so no audience to check). Schemes run only where an endpoint's policy names them.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthenticationHandler>(Access.AccessPolicies.BearerScheme, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BrowserAuthenticationHandler>(Access.AccessPolicies.BrowserScheme, null);
        return services.AddIdentityStoreTopics();
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddIdentityEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new AuthorizationCodeRecordConfiguration())
            .AddStoreEntity(new BrowserSessionRecordConfiguration())
            .AddStoreEntity(new DeviceCodeRecordConfiguration())
            .AddStoreEntity(new OAuthClientRecordConfiguration())
            .AddStoreEntity(new OAuthGrantRecordConfiguration())
            .AddStoreEntity(new RefreshTokenRecordConfiguration())
            .AddStoreEntity(new SigningKeyRecordConfiguration());
    /// <summary>The saves Identity's caches must hear of (also registered by the CLI).</summary>
    public static IServiceCollection AddIdentityStoreTopics(this IServiceCollection services)
        // Rows of self-registered and metadata-document clients are rewritten at each fetch; a change for those would
        // empty every other instance's document cache in turn. What an operator adds, and any removal, counts.
        => services.AddStoreChangeTopic<OAuthClientRecord>(IdentityTopics.Clients, c => c.Id, (c, state) => c.OperatorRegistered || state == EntityState.Deleted);
}
