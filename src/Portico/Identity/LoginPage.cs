using Portico.Access;
using Portico.Hosting;

namespace Portico.Identity;

/// <summary>
/// <c>/oauth/login</c>: the sign-in page of the portal (the same form, password check and lockout as the authorize and
/// device pages), and <c>/oauth/logout</c>. After signing in the browser goes back to the page it asked for — a path on
/// this server only, so the page cannot be used to redirect anyone elsewhere.
/// </summary>
internal static partial class LoginPage
{
    public const string Path = "/oauth/login";
    public const string LogoutPath = "/oauth/logout";
    public const string ReturnField = "return_to";
    public const string DefaultReturn = "/portal";

    public static string Url(string returnTo) => $"{Path}?{ReturnField}={Uri.EscapeDataString(SafeReturn(returnTo))}";

    /// <summary>A local path (not <c>//host</c>, not <c>/\host</c>, no scheme), else the portal's front page.</summary>
    public static string SafeReturn(string? returnTo)
        => returnTo is { Length: > 0 and <= 2048 } && returnTo[0] == '/' && (returnTo.Length == 1 || (returnTo[1] != '/' && returnTo[1] != '\\'))
            && !returnTo.Any(char.IsControl)
            ? returnTo
            : DefaultReturn;

    public static async Task GetAsync(HttpContext context, BrowserSessions sessions)
    {
        var returnTo = SafeReturn(context.Request.Query[ReturnField]);
        if (await sessions.GetUserAsync(context, context.RequestAborted) is not null)
        {
            Redirect(context, returnTo);
            return;
        }

        await ShowAsync(context, sessions, returnTo, null, null, StatusCodes.Status200OK);
    }

    public static async Task PostAsync(HttpContext context, BrowserSessions sessions, UserAccounts accounts, ILogger<UserAccounts> logger)
    {
        var form = await OAuthBodies.ReadFormAsync(context, "Post the sign-in form (application/x-www-form-urlencoded).");
        var returnTo = SafeReturn(form[ReturnField]);
        if (!sessions.CsrfMatches(context, form))
        {
            await ShowAsync(context, sessions, returnTo, "The form expired or came from another page: sign in again.", null, StatusCodes.Status403Forbidden);
            return;
        }

        var email = form["email"].ToString();
        var (user, error) = await accounts.SignInAsync(email, form["password"].ToString(), context.RequestAborted);
        if (user is null)
        {
            LogSignInRefused(logger, email, error!);
            await ShowAsync(context, sessions, returnTo, error, email, StatusCodes.Status400BadRequest);
            return;
        }

        await sessions.SignInAsync(context, user.Id, context.RequestAborted);
        Redirect(context, returnTo);
    }

    /// <summary>Ends the browser's session; the form carries the same CSRF token as every other browser form.</summary>
    public static async Task LogoutAsync(HttpContext context, BrowserSessions sessions)
    {
        var form = await OAuthBodies.ReadFormAsync(context, "Post the sign-out form.");
        if (!sessions.CsrfMatches(context, form))
        {
            await IdentityPages.WriteAsync(context, "Sign out", IdentityPages.Error("The form expired or came from another page: reload the page and sign out again."),
                StatusCodes.Status403Forbidden);
            return;
        }

        await sessions.SignOutAsync(context, context.RequestAborted);
        Redirect(context, Path);
    }

    private static Task ShowAsync(HttpContext context, BrowserSessions sessions, string returnTo, string? error, string? email, int status)
        => IdentityPages.WriteAsync(context, "Sign in to Portico",
            IdentityPages.Login(Path, [(ReturnField, returnTo)], sessions.Csrf(context), error, email, "Sign in to the Portico portal."), status);

    private static void Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
    }

    [LoggerMessage(EventId = 712, Level = LogLevel.Information, Message = "Portal sign-in refused for {Email}: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, LogValue email, string reason);
}
