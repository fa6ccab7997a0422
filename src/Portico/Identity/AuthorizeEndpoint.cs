using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Portico.Access;
using Portico.Hosting;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// <c>/oauth/authorize</c>: checks the request, then shows the login page or, once signed in, the
/// consent page; both post back here. Approval redirects to the client with a single-use code.
/// </summary>
internal static partial class AuthorizeEndpoint
{
    public const string Path = "/oauth/authorize";

    public static async Task GetAsync(HttpContext context, IdentityUrls urls, PorticoDbContext db, BrowserSessions sessions)
    {
        var request = await ParseAsync(context, key => context.Request.Query[key], urls, db);
        if (request is null)
        {
            return;
        }

        var user = await sessions.GetUserAsync(context, context.RequestAborted);
        var fields = Fields(key => context.Request.Query[key]);
        await (user is null ? ShowLoginAsync(context, sessions, request, fields, null, null) : ShowConsentAsync(context, sessions, request, fields, user));
    }

    public static async Task PostAsync(HttpContext context, IdentityUrls urls, PorticoDbContext db, BrowserSessions sessions, UserAccounts accounts, TimeProvider time,
        IOptions<IdentityOptions> options, ILogger<AuthorizationRequest> logger)
    {
        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, "Post the login or consent form (application/x-www-form-urlencoded).");
        if (!sessions.CsrfMatches(context, form))
        {
            throw new OAuthException("invalid_request", "The form's CSRF token is missing or does not match: reload the sign-in page and try again.", StatusCodes.Status403Forbidden);
        }

        var request = await ParseAsync(context, key => form[key], urls, db);
        if (request is null)
        {
            return;
        }

        var fields = Fields(key => form[key]);
        var action = form["action"].ToString();
        if (action == "login")
        {
            var email = form["email"].ToString();
            var (user, error) = await accounts.SignInAsync(email, form["password"].ToString(), cancellationToken);
            if (user is null)
            {
                LogSignInRefused(logger, email, error!);
                await ShowLoginAsync(context, sessions, request, fields, error, email);
                return;
            }

            await sessions.SignInAsync(context, user.Id, cancellationToken);
            await ShowConsentAsync(context, sessions, request, fields, user);
            return;
        }

        var signedIn = await sessions.GetUserAsync(context, cancellationToken);
        if (signedIn is null)
        {
            await ShowLoginAsync(context, sessions, request, fields, "Your sign-in expired; sign in again.", null);
            return;
        }

        if (action == "deny")
        {
            Redirect(context, AuthorizationResponse.Build(request.RedirectUri,
                [("error", "access_denied"), ("error_description", "The user denied the request."), ("state", request.State), ("iss", urls.Issuer(context.Request))]));
            return;
        }

        if (action != "approve")
        {
            throw OAuthException.InvalidRequest("Unknown form action: expected login, approve or deny.");
        }

        var (granted, _) = AdminConsent.Split(request.Scopes, signedIn.IsAdmin);
        if (granted.Count == 0)
        {
            Redirect(context, AuthorizationResponse.Build(request.RedirectUri,
                [("error", "invalid_scope"), ("error_description", $"Nothing asked for can be granted: {Access.Scopes.Admin} was the only scope, and {AdminConsent.NotGrantable}."),
                    ("state", request.State), ("iss", urls.Issuer(context.Request))]));
            return;
        }

        var code = Secrets.New("pac_");
        var now = time.GetUtcNow();
        db.Set<AuthorizationCodeRecord>().Add(new AuthorizationCodeRecord
        {
            Id = Secrets.HashHex(code),
            ClientId = request.Client.Id,
            UserId = signedIn.Id,
            RedirectUri = request.RedirectUri,
            Scopes = OAuthScopes.Format(granted),
            Resource = request.Resource,
            CodeChallenge = request.CodeChallenge,
            CreatedAt = now,
            ExpiresAt = now + options.Value.CodeLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        LogApproved(logger, signedIn.Id, request.Client.Id);
        Redirect(context, AuthorizationResponse.Build(request.RedirectUri, [("code", code), ("state", request.State), ("iss", urls.Issuer(context.Request))]));
    }

    /// <summary>Null when the answer (a redirect with the error) was already written.</summary>
    private static async Task<AuthorizationRequest?> ParseAsync(HttpContext context, Func<string, StringValues> get, IdentityUrls urls, PorticoDbContext db)
    {
        try
        {
            return await AuthorizationRequest.ParseAsync(get, context.Request, urls, db, context.RequestAborted);
        }
        catch (AuthorizationRedirectException ex)
        {
            Redirect(context, ex.Location);
            return null;
        }
    }

    private static List<(string Name, string Value)> Fields(Func<string, StringValues> get)
        => [.. AuthorizationRequest.Parameters.Select(p => (Name: p, Value: get(p).ToString())).Where(p => p.Value.Length > 0)];

    private static Task ShowLoginAsync(HttpContext context, BrowserSessions sessions, AuthorizationRequest request, List<(string, string)> fields, string? error, string? email)
        => IdentityPages.WriteAsync(context, "Sign in to Portico",
            IdentityPages.Login(Path, fields, sessions.Csrf(context), error, email, $"Sign in to let {ClientLabel(request)} use Portico."));

    private static Task ShowConsentAsync(HttpContext context, BrowserSessions sessions, AuthorizationRequest request, List<(string, string)> fields, UserRecord user)
    {
        var (granted, refused) = AdminConsent.Split(request.Scopes, user.IsAdmin);
        return IdentityPages.WriteAsync(context, "Allow access?",
            IdentityPages.Consent(Path, fields, sessions.Csrf(context), ClientLabel(request), user.Email, granted, refused, request.Resource));
    }

    private static string ClientLabel(AuthorizationRequest request) => IdentityPages.ClientLabel(request.Client, new Uri(request.RedirectUri).Authority);

    private static void Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Sign-in refused for {Email}: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, LogValue email, string reason);

    [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "User {UserId} approved client {ClientId}")]
    private static partial void LogApproved(ILogger logger, string userId, LogValue clientId);
}
