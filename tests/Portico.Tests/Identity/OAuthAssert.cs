using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

internal static class OAuthAssert
{
    /// <summary>An RFC 6749 error body with the code and a description containing <paramref name="says"/>, and no token in it.</summary>
    public static void Error((HttpStatusCode Status, JsonObject Body) response, HttpStatusCode status, string error, string says)
    {
        Assert.True(response.Status == status, response.Body.ToJsonString());
        Assert.Equal(error, response.Body["error"]!.GetValue<string>());
        Assert.True(response.Body["error_description"]!.GetValue<string>().Contains(says, StringComparison.OrdinalIgnoreCase), response.Body.ToJsonString());
        Assert.Null(response.Body["access_token"]);
        Assert.Null(response.Body["refresh_token"]);
    }

    public static async Task<int> GrantCountAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<OAuthGrantRecord>().CountAsync();
    }

    public static async Task<int> CodeCountAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<AuthorizationCodeRecord>().CountAsync();
    }
}
