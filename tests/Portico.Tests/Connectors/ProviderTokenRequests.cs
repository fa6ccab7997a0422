using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Portico.Tests.Connectors;

/// <summary>Counts the requests the provider's token endpoint receives, by grant type.</summary>
internal sealed class ProviderTokenRequests : IStartupFilter
{
    private int _refreshes;

    public int Refreshes => Volatile.Read(ref _refreshes);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path == "/oauth/token" && context.Request.HasFormContentType
                && (await context.Request.ReadFormAsync(context.RequestAborted))["grant_type"] == "refresh_token")
            {
                Interlocked.Increment(ref _refreshes);
            }

            await nextMiddleware(context);
        });
        next(app);
    };
}
