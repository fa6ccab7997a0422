using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Hosting;
using Portico.Portal.Shell;

namespace Portico.Portal;

/// <summary>The page a signed-in person sees when a portal page or action is outside their role, or names nothing that exists.</summary>
internal sealed class PortalRefusalPage(IServiceScopeFactory scopes) : IBrowserRefusalPage
{
    public async Task WriteAsync(HttpContext context, int status, string message, string hint)
    {
        // A page that found nothing has rendered in this request already (its renderer and headers belong to it): the
        // refusal renders afresh, in a scope of its own.
        context.Response.Headers.Remove("blazor-enhanced-nav");
        await using var scope = scopes.CreateAsyncScope();
        var requestServices = context.RequestServices;
        context.RequestServices = scope.ServiceProvider;
        try
        {
            await new RazorComponentResult<RefusalDocument>(new { Message = message, Hint = hint, RequestId = context.TraceIdentifier, Status = status }) { StatusCode = status }
                .ExecuteAsync(context);
        }
        finally
        {
            context.RequestServices = requestServices;
        }
    }
}
