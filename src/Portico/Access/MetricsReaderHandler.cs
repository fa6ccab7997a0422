using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Portico.Access;

/// <summary>
/// Decides <see cref="MetricsReaderRequirement"/>. The loopback test reads the connection's address after
/// ForwardedHeaders, so a request a local reverse proxy relays for a remote client counts as that client's: remote.
/// </summary>
internal sealed class MetricsReaderHandler(IOptionsMonitor<MetricsAccessOptions> options) : AuthorizationHandler<MetricsReaderRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsReaderRequirement requirement)
    {
        var principal = context.User.Identities.OfType<PrincipalIdentity>().FirstOrDefault()?.Principal;
        if (principal is not null && (principal.Scopes.Contains(Scopes.Admin) || principal.Scopes.Contains(Scopes.Metrics)))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if (options.CurrentValue.Loopback && context.Resource is HttpContext { Connection.RemoteIpAddress: { } address }
            && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // Without a credential nothing is failed here, so the evaluator answers with the bearer scheme's 401 challenge.
        if (principal is not null)
        {
            context.Fail(new AccessRefusal(this, $"This {(principal.Kind == Principal.OAuthKind ? "access token" : "key")} lacks the scope {Scopes.Metrics}.",
                "Scrape with a key made by 'portico keys create --scopes metrics', or from the server's own host.", Scopes.Metrics));
        }

        return Task.CompletedTask;
    }
}
