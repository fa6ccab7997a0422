using Microsoft.EntityFrameworkCore;
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
            await ShowCodeFormAsync(context, null, null);
            return;
        }

        await ContinueAsync(context, typed, await sessions.GetUserAsync(context, context.RequestAborted), devices, db, guesses);
    }

    public static async Task PostAsync(HttpContext context, DeviceAuthorization devices, BrowserSessions sessions, UserAccounts accounts, PorticoDbContext db,
        DeviceCodeGuesses guesses, ILogger<DeviceAuthorization> logger)
    {
        var cancellationToken = context.RequestAborted;
        if (!context.Request.HasFormContentType)
        {
            throw OAuthException.InvalidRequest("Post the device form (application/x-www-form-urlencoded).");
        }

        var form = await OAuthBodies.ReadFormAsync(context, cancellationToken);
        if (!BrowserSessions.CsrfMatches(context, form))
        {
            throw new OAuthException("invalid_request", "The form's CSRF token is missing or does not match: reload the device page and try again.", StatusCodes.Status403Forbidden);
        }

        var typed = form["user_code"].ToString();
        switch (form["action"].ToString())
        {
            case "code":
                await ContinueAsync(context, typed, await sessions.GetUserAsync(context, cancellationToken), devices, db, guesses);
                return;
            case "login":
                var email = form["email"].ToString();
                var (user, error) = await accounts.SignInAsync(email, form["password"].ToString(), cancellationToken);
                if (user is null)
                {
                    LogSignInRefused(logger, email, error!);
                    await ShowLoginAsync(context, typed, error, email);
                    return;
                }

                await sessions.SignInAsync(context, user.Id, cancellationToken);
                await ContinueAsync(context, typed, user, devices, db, guesses);
                return;
            case "approve" or "deny":
                await DecideAsync(context, typed, form["action"] == "approve", devices, sessions, db, guesses);
                return;
            default:
                throw OAuthException.InvalidRequest("Unknown form action: expected code, login, approve or deny.");
        }
    }

    private static async Task DecideAsync(HttpContext context, string typed, bool approve, DeviceAuthorization devices, BrowserSessions sessions, PorticoDbContext db,
        DeviceCodeGuesses guesses)
    {
        var user = await sessions.GetUserAsync(context, context.RequestAborted);
        if (user is null)
        {
            await ShowLoginAsync(context, typed, "Your sign-in expired; sign in again.", null);
            return;
        }

        var (code, blocked) = await FindAsync(context, typed, devices, guesses);
        if (blocked is { } wait)
        {
            await ShowBlockedAsync(context, typed, wait);
            return;
        }

        if (code is null || !await devices.DecideAsync(code, user.Id, approve, context.RequestAborted))
        {
            await ShowCodeFormAsync(context, typed, NotPending);
            return;
        }

        await IdentityPages.WriteAsync(context, approve ? "Device connected" : "Request denied", approve
            ? IdentityPages.Paragraphs($"{await ClientNameAsync(code, db, context.RequestAborted)} can now use Portico as {user.Email}.", "You can close this page and return to your device.")
            : IdentityPages.Paragraphs("Nothing was shared. You can close this page."));
    }

    /// <summary>A valid code goes on to the sign-in form, or straight to the consent form for a signed-in user.</summary>
    private static async Task ContinueAsync(HttpContext context, string typed, UserRecord? user, DeviceAuthorization devices, PorticoDbContext db, DeviceCodeGuesses guesses)
    {
        var (code, blocked) = await FindAsync(context, typed, devices, guesses);
        if (blocked is { } wait)
        {
            await ShowBlockedAsync(context, typed, wait);
            return;
        }

        if (code is null)
        {
            await ShowCodeFormAsync(context, typed, NotPending);
            return;
        }

        var userCode = UserCodes.Format(UserCodes.Normalize(typed)!);
        if (user is null)
        {
            await ShowLoginAsync(context, userCode, null, null);
            return;
        }

        var (granted, refused) = AdminConsent.Split(code.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), user.IsAdmin);
        await IdentityPages.WriteAsync(context, "Connect a device?",
            IdentityPages.DeviceConsent(DeviceFlow.VerificationPath, [("user_code", userCode)], BrowserSessions.EnsureCsrf(context),
                await ClientNameAsync(code, db, context.RequestAborted), userCode, user.Email, granted, refused, code.Resource));
    }

    private const string NotPending = "That code is not valid: it may be mistyped, expired or already used. Check the code on your device, or start again there.";

    /// <summary>
    /// The pending code the user typed. A wrong code counts against the caller's address; a caller over
    /// the limit is told how long to wait, and no code is looked up at all.
    /// </summary>
    private static async Task<(DeviceCodeRecord? Code, TimeSpan? Blocked)> FindAsync(HttpContext context, string typed, DeviceAuthorization devices, DeviceCodeGuesses guesses)
    {
        if (await guesses.BlockedForAsync(context) is { } wait)
        {
            return (null, wait);
        }

        var code = UserCodes.Normalize(typed) is { } normalized ? await devices.FindPendingAsync(normalized, context.RequestAborted) : null;
        if (code is null)
        {
            await guesses.RecordWrongAsync(context);
        }

        return (code, null);
    }

    private static Task ShowBlockedAsync(HttpContext context, string typed, TimeSpan wait)
    {
        context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return IdentityPages.WriteAsync(context, "Connect a device",
            IdentityPages.DeviceCode(DeviceFlow.VerificationPath, BrowserSessions.EnsureCsrf(context),
                $"Too many wrong codes from your network. Wait {Math.Ceiling(wait.TotalMinutes):0} minute(s), then type the code shown on your device again.", typed),
            StatusCodes.Status429TooManyRequests);
    }

    private static async Task<string> ClientNameAsync(DeviceCodeRecord code, PorticoDbContext db, CancellationToken cancellationToken)
        => await db.OAuthClients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == code.ClientId, cancellationToken) is { } client
            ? ClientMetadataDocuments.DisplayName(client) : code.ClientId;

    private static Task ShowCodeFormAsync(HttpContext context, string? typed, string? error)
        => IdentityPages.WriteAsync(context, "Connect a device",
            IdentityPages.DeviceCode(DeviceFlow.VerificationPath, BrowserSessions.EnsureCsrf(context), error, typed), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static Task ShowLoginAsync(HttpContext context, string userCode, string? error, string? email)
        => IdentityPages.WriteAsync(context, "Sign in to Portico",
            IdentityPages.Login(DeviceFlow.VerificationPath, [("user_code", userCode)], BrowserSessions.EnsureCsrf(context), error, email,
                $"Sign in to connect the device showing the code {userCode}."));

    [LoggerMessage(EventId = 731, Level = LogLevel.Information, Message = "Sign-in refused on the device page for {Email}: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, string email, string reason);
}
