using System.Text;
using System.Text.Encodings.Web;

namespace Portico.Identity;

/// <summary>
/// The login, consent and device pages: plain server-rendered HTML with inline styles, no scripts and
/// no external assets, so they work in any browser and under a strict Content-Security-Policy.
/// </summary>
internal static class IdentityPages
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;justify-content:center}
        main{background:#fff;margin:3rem 1rem;padding:2rem;border-radius:8px;max-width:26rem;width:100%;box-shadow:0 1px 4px #0002}
        h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}
        input[type=email],input[type=password],input[type=text]{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
        button{margin-top:1rem;padding:.55rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #2457c5;background:#2457c5;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#2457c5}.error{color:#b00020;background:#fdecee;padding:.6rem;border-radius:4px}
        ul{padding-left:1.2rem}code{background:#eef;padding:0 .2rem}
        .unverified{background:#fff3cd;color:#6b4400;border:1px solid #d9a400;border-radius:3px;padding:0 .3rem;font-size:.8em;font-weight:600;text-transform:uppercase}
        .warning{background:#fff3cd;border-left:4px solid #d9a400;padding:.6rem}
        """;

    public static Task WriteAsync(HttpContext context, string title, string body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{E(title)} · Portico</title><style>{Style}</style></head><body><main><h1>{E(title)}</h1>{body}</main></body></html>");
    }

    /// <param name="introHtml">Already encoded: it may carry a client label (<see cref="ClientLabel"/>).</param>
    public static string Login(string action, IEnumerable<(string Name, string Value)> hidden, string csrf, string? error, string? email, string introHtml)
        => $"""
            <p>{introHtml}</p>
            {Error(error)}
            <form method="post" action="{E(action)}">
            {Hidden(hidden, csrf)}
            <input type="hidden" name="action" value="login">
            <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{E(email ?? "")}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """;

    public static string Consent(string action, IEnumerable<(string Name, string Value)> hidden, string csrf, string clientLabel, string userEmail,
        IReadOnlyList<string> scopes, IReadOnlyList<string> refused, string resource)
        => $"""
            <p>{clientLabel} asks to use <code>{E(resource)}</code> as <strong>{E(userEmail)}</strong> with these permissions:</p>
            {ScopeList(scopes, refused)}
            <form method="post" action="{E(action)}">
            {Hidden(hidden, csrf)}
            {Answers(scopes)}
            </form>
            """;

    /// <summary>The device page's first step: type the code the device shows.</summary>
    public static string DeviceCode(string action, string csrf, string? error, string? typed)
        => $"""
            <p>Enter the code shown on the device or in the app that sent you here.</p>
            {Error(error)}
            <form method="post" action="{E(action)}">
            {Hidden([], csrf)}
            <input type="hidden" name="action" value="code">
            <label for="user_code">Code</label><input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required placeholder="BCDF-GHJK" value="{E(typed ?? "")}">
            <button type="submit" id="continue">Continue</button>
            </form>
            """;

    /// <param name="sessionWarning">Already encoded: who asks when an MCP session signs itself in (<see cref="SessionWarning"/>), else empty.</param>
    public static string DeviceConsent(string action, IEnumerable<(string Name, string Value)> hidden, string csrf, string clientLabel, string sessionWarning, string userCode,
        string userEmail, IReadOnlyList<string> scopes, IReadOnlyList<string> refused, string resource)
        => $"""
            {sessionWarning}
            <p>{clientLabel} asks to use <code>{E(resource)}</code> as <strong>{E(userEmail)}</strong> with these permissions:</p>
            {ScopeList(scopes, refused)}
            <p>Allow only if your device shows the code <strong><code>{E(userCode)}</code></strong>.</p>
            <form method="post" action="{E(action)}">
            {Hidden(hidden, csrf)}
            {Answers(scopes)}
            </form>
            """;

    /// <summary>
    /// The client as the user may trust it. An operator's client shows its name; one that named itself (self-registered,
    /// or a metadata document) carries an "unverified" marker and where it comes from and goes to, since its name can
    /// be anything (a look-alike of a verified one is refused at registration, <see cref="ClientNames"/>).
    /// </summary>
    public static string ClientLabel(OAuthClientRecord client, string? redirectHost)
    {
        var name = $"<strong id=\"client-name\">{E(client.Name ?? client.Id)}</strong>";
        var redirect = redirectHost is null ? "" : $"redirecting to <code>{E(redirectHost)}</code>";
        if (ClientNames.IsVerified(client))
        {
            return redirectHost is null ? name : $"{name} ({redirect})";
        }

        var origin = ClientMetadataDocuments.IsUrl(client.Id)
            ? $"described by <code>{E(new Uri(client.Id).Host)}</code>, not by your administrator"
            : "registered itself, not by your administrator";
        return $"{name} <span class=\"unverified\" id=\"unverified\">unverified</span> ({origin}{(redirectHost is null ? "" : "; " + redirect)})";
    }

    /// <summary>The device page's warning when an MCP session (the <c>authenticate</c> tool) asks: approving gives that session the user's access.</summary>
    public static string SessionWarning(string sessionId, string? clientName, string? clientVersion)
    {
        var version = clientVersion is { Length: > 0 } ? " " + E(Clip(clientVersion)) : "";
        var client = clientName is { Length: > 0 }
            ? $"<strong id=\"mcp-client\">{E(Clip(clientName))}</strong>{version}"
            : "<strong id=\"mcp-client\">an MCP client that gave no name</strong>";
        var session = E(DeviceFlow.ShortSessionId(sessionId));
        return $"""
            <p class="warning" id="session-warning"><strong>An MCP session asks to act as you.</strong> The client in session <code id="mcp-session">{session}</code> says it is {client}.
            If you allow, that session — and whoever controls it — uses Portico with your access and the permissions below until the sign-in ends.
            Allow only if you just asked your own MCP client to sign in and it shows session <code>{session}</code>.</p>
            """;
    }

    /// <summary>The permissions that would be granted, then those asked for that this user cannot be granted (left out of the token).</summary>
    private static string ScopeList(IReadOnlyList<string> scopes, IReadOnlyList<string> refused)
        => $"<ul>{string.Concat(scopes.Select(s => $"<li><code>{E(s)}</code></li>"))}</ul>"
            + (refused.Count == 0 ? "" : $"<p id=\"not-granted\">Not granted (left out of the access): {string.Join(", ", refused.Select(s => $"<code>{E(s)}</code>"))}: {E(AdminConsent.NotGrantable)}.</p>");

    /// <summary>Allow and Deny; only Deny when nothing asked for can be granted.</summary>
    private static string Answers(IReadOnlyList<string> scopes)
        => (scopes.Count == 0 ? Error("Nothing asked for can be granted to you.") : "<button type=\"submit\" name=\"action\" value=\"approve\" id=\"approve\">Allow</button>\n")
            + "<button type=\"submit\" name=\"action\" value=\"deny\" id=\"deny\" class=\"secondary\">Deny</button>";

    public static string Paragraphs(params string[] lines) => string.Concat(lines.Select(l => $"<p>{E(l)}</p>"));

    public static string Error(string? error) => error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>";

    public static string Hidden(IEnumerable<(string Name, string Value)> fields, string csrf)
    {
        var html = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            html.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }

        html.Append($"<input type=\"hidden\" name=\"{BrowserSessions.CsrfField}\" value=\"{E(csrf)}\">");
        return html.ToString();
    }

    public static string E(string value) => HtmlEncoder.Default.Encode(value);

    /// <summary>Text a client chose about itself, cut to a length a page can show.</summary>
    private static string Clip(string value) => value.Length > 100 ? value[..100] + "…" : value;
}
