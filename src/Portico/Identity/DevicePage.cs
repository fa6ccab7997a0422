using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Hosting;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// <c>/oauth/device</c>, the <c>verification_uri</c>: enter the user code (or arrive with it from
/// <c>verification_uri_complete</c>), sign in, see which client asks for which scopes, allow or deny.
/// Every post carries the CSRF token, as on the consent page.
/// </summary>
internal static partial class DevicePage
{
    public static async Task GetAsync(HttpContext context, DeviceAuthorization devices, BrowserSessions sessions, PorticoDbContext db, DeviceCodeGuesses guesses)
    {
        var typed = context.Request.Query["user_code"].ToString();
        if (typed.Length == 0)
        {
            await ShowCodeFormAsync(context, sessions, null, null);
            return;
        }

        await ContinueAsync(context, typed, null, await sessions.GetUserAsync(context, context.RequestAborted), devices, sessions, db, guesses);
    }

    public static async Task PostAsync(HttpContext context, DeviceAuthorization devices, BrowserSessions sessions, UserAccounts accounts, PorticoDbContext db,
        DeviceCodeGuesses guesses, ILogger<DeviceAuthorization> logger)
    {
        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, "Post the device form (application/x-www-form-urlencoded).");
        if (!sessions.CsrfMatches(context, form))
        {
            throw new OAuthException("invalid_request", "The form's CSRF token is missing or does not match: reload the device page and try again.", StatusCodes.Status403Forbidden);
        }

        var typed = form["user_code"].ToString();
        var ticket = form[DeviceCodeGuesses.TicketField].ToString();
        switch (form["action"].ToString())
        {
            case "code":
                await ContinueAsync(context, typed, null, await sessions.GetUserAsync(context, cancellationToken), devices, sessions, db, guesses);
                return;
            case "login":
                var email = form["email"].ToString();
                var (user, error) = await accounts.SignInAsync(email, form["password"].ToString(), cancellationToken);
                if (user is null)
                {
                    LogSignInRefused(logger, email, error!);
                    await ShowLoginAsync(context, sessions, typed, ticket, error, email);
                    return;
                }

                await sessions.SignInAsync(context, user.Id, cancellationToken);
                await ContinueAsync(context, typed, ticket, user, devices, sessions, db, guesses);
                return;
            case "approve" or "deny":
                await DecideAsync(context, typed, ticket, form["action"] == "approve", devices, sessions, db, guesses);
                return;
            default:
                throw OAuthException.InvalidRequest("Unknown form action: expected code, login, approve or deny.");
        }
    }

    private static async Task DecideAsync(HttpContext context, string typed, string ticket, bool approve, DeviceAuthorization devices, BrowserSessions sessions,
        PorticoDbContext db, DeviceCodeGuesses guesses)
    {
        var user = await sessions.GetUserAsync(context, context.RequestAborted);
        if (user is null)
        {
            await ShowLoginAsync(context, sessions, typed, ticket, "Your sign-in expired; sign in again.", null);
            return;
        }

        var (code, blocked) = await guesses.FindAsync(context, typed, ticket, devices);
        if (blocked is { } wait)
        {
            await ShowBlockedAsync(context, sessions, typed, wait);
            return;
        }

        if (code is null || !await devices.DecideAsync(code, user.Id, approve, context.RequestAborted))
        {
            await ShowCodeFormAsync(context, sessions, typed, NotPending);
            return;
        }

        await IdentityPages.WriteAsync(context, approve ? "Device connected" : "Request denied", approve
            ? IdentityPages.Paragraphs($"{await ClientNameAsync(code, db, context.RequestAborted)} can now use Portico as {user.Email}.", "You can close this page and return to your device.")
            : IdentityPages.Paragraphs("Nothing was shared. You can close this page."));
    }

    /// <summary>A valid code goes on to the sign-in form, or straight to the consent form for a signed-in user.</summary>
    private static async Task ContinueAsync(HttpContext context, string typed, string? ticket, UserRecord? user, DeviceAuthorization devices, BrowserSessions sessions,
        PorticoDbContext db, DeviceCodeGuesses guesses)
    {
        var (code, blocked) = await guesses.FindAsync(context, typed, ticket, devices);
        if (blocked is { } wait)
        {
            await ShowBlockedAsync(context, sessions, typed, wait);
            return;
        }

        if (code is null)
        {
            await ShowCodeFormAsync(context, sessions, typed, NotPending);
            return;
        }

        var userCode = UserCodes.Format(UserCodes.Normalize(typed)!);
        var found = guesses.TicketFor(code);
        if (user is null)
        {
            await ShowLoginAsync(context, sessions, userCode, found, null, null);
            return;
        }

        var (granted, refused) = AdminConsent.Split(code.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), user.IsAdmin);
        var client = await db.Set<OAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == code.ClientId, context.RequestAborted);
        var label = client is null ? $"<strong>{IdentityPages.E(code.ClientId)}</strong>" : IdentityPages.ClientLabel(client, null);
        var warning = code.SessionId is { } sessionId ? IdentityPages.SessionWarning(sessionId, code.SessionClientName, code.SessionClientVersion) : "";
        await IdentityPages.WriteAsync(context, "Connect a device?",
            IdentityPages.DeviceConsent(DeviceFlow.VerificationPath, [("user_code", userCode), (DeviceCodeGuesses.TicketField, found)], sessions.Csrf(context),
                label, warning, userCode, user.Email, granted, refused, code.Resource));
    }

    private const string NotPending = "That code is not valid: it may be mistyped, expired or already used. Check the code on your device, or start again there.";

    private static Task ShowBlockedAsync(HttpContext context, BrowserSessions sessions, string typed, TimeSpan wait)
    {
        context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return IdentityPages.WriteAsync(context, "Connect a device",
            IdentityPages.DeviceCode(DeviceFlow.VerificationPath, sessions.Csrf(context),
                $"Too many wrong codes from your network. Wait {Math.Ceiling(wait.TotalMinutes):0} minute(s), then type the code shown on your device again.", typed),
            StatusCodes.Status429TooManyRequests);
    }

    private static async Task<string> ClientNameAsync(DeviceCodeRecord code, PorticoDbContext db, CancellationToken cancellationToken)
        => await db.Set<OAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == code.ClientId, cancellationToken) is { } client
            ? ClientMetadataDocuments.DisplayName(client) : code.ClientId;

    private static Task ShowCodeFormAsync(HttpContext context, BrowserSessions sessions, string? typed, string? error)
        => IdentityPages.WriteAsync(context, "Connect a device",
            IdentityPages.DeviceCode(DeviceFlow.VerificationPath, sessions.Csrf(context), error, typed), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static Task ShowLoginAsync(HttpContext context, BrowserSessions sessions, string userCode, string? ticket, string? error, string? email)
        => IdentityPages.WriteAsync(context, "Sign in to Portico",
            IdentityPages.Login(DeviceFlow.VerificationPath, [("user_code", userCode), (DeviceCodeGuesses.TicketField, ticket ?? "")], sessions.Csrf(context), error, email,
                IdentityPages.E($"Sign in to connect the device showing the code {userCode}.")));

    [LoggerMessage(EventId = 731, Level = LogLevel.Information, Message = "Sign-in refused on the device page for {Email}: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, LogValue email, string reason);
}
