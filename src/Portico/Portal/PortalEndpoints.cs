using Portico.Access;
using Portico.Hosting;
using Portico.Portal.Observe;
using Portico.Portal.Shell;

namespace Portico.Portal;

internal static class PortalEndpoints
{
    /// <summary>Must run after authorization: a form is checked against the session the browser scheme proved.</summary>
    public static IApplicationBuilder UsePorticoPortalForms(this IApplicationBuilder app) => app.UseAntiforgery();

    /// <summary>Runs before authentication, so refusals and sign-in redirects carry the headers too.</summary>
    public static IApplicationBuilder UsePorticoBrowserPageHeaders(this IApplicationBuilder app) => app.UseMiddleware<BrowserPageHeaders>();

    /// <summary>
    /// The portal under <c>/portal</c>: every page and asset needs a signed-in browser (the browser scheme; others sign in
    /// through <c>/oauth/login</c>), and a page that names a tenant declares its own, narrower policy.
    /// </summary>
    public static IEndpointRouteBuilder MapPorticoPortal(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/portal")).AllowAnonymousListed();
        var assets = app.MapGroup("/portal/assets").RequireAuthorization(AccessPolicies.PortalUser).WithMetadata(BrowserPage.Instance);
        assets.MapGet("/portal.css", PortalAssets.Css);
        assets.MapGet("/portal.js", PortalAssets.Js);
        app.MapPorticoAuditExport();
        app.MapRazorComponents<PortalApp>().RequireAuthorization(AccessPolicies.PortalUser).WithMetadata(BrowserPage.Instance);
        return app;
    }
}
