using System.Security.Claims;

namespace Portico.Access;

/// <summary>The identity an authentication scheme issues: the <see cref="Access.Principal"/> it proved, carried in <see cref="HttpContext.User"/>.</summary>
internal sealed class PrincipalIdentity(Principal principal, string scheme) : ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal.Id)], scheme)
{
    public Principal Principal { get; } = principal;
}
