namespace Portico.Identity;

internal static class IdentityServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.SectionName));
        services.AddOptions<ClientMetadataOptions>().Bind(configuration.GetSection(ClientMetadataOptions.SectionName));
        services.AddSingleton<ClientMetadataDocuments>();
        services.AddSingleton<IdentityUrls>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<GrantRevocations>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<TokenIssuer>();
        services.AddScoped<DeviceAuthorization>();
        services.AddSingleton<DeviceCodeGuesses>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<BrowserSessions>();
        return services;
    }
}
