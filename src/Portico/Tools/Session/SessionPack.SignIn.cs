using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Identity;
using Portico.Mcp;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Tools.Session;

/// <summary>
/// <c>authenticate</c> and <c>check_auth_status</c>: a device flow (RFC 8628) that a session runs through
/// Portico's own client, for MCP clients that cannot open a browser for OAuth. The session polls instead
/// of the client; once the user approves, the session acts as that user (see <see cref="SessionAuthorizations"/>).
/// </summary>
internal sealed partial class SessionPack
{
    private const string SessionHint = "Connect with a session (protocol 2025-11-25 or older), or sign in with OAuth in the client.";

    private static readonly JsonElement AuthenticateSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "scope": { "type": "string", "description": "Optional: space-separated scopes to ask for, e.g. 'portico/records.read portico/records.write'. Default: every area, not admin." }
          },
          "additionalProperties": false
        }
        """).RootElement;

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{ "type": "object", "properties": {}, "additionalProperties": false }""").RootElement;

    private void RegisterSignIn(CatalogBuilder catalog)
    {
        catalog.AddTool(new Tool
        {
            Name = "authenticate",
            Title = "Sign in this session",
            Description = "Starts a sign-in for this session without a browser redirect: returns a URL and a short code for the user to open and approve on any device. Then call check_auth_status until it says approved; from then on this session acts as that user.",
            InputSchema = AuthenticateSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, IdempotentHint = false, DestructiveHint = false, OpenWorldHint = false },
        }, AuthenticateAsync);

        catalog.AddTool(new Tool
        {
            Name = "check_auth_status",
            Title = "Check sign-in status",
            Description = "Reports the sign-in started with authenticate: pending, slow_down (wait longer), denied, expired or approved. When approved, the session's later calls run as the approving user with the granted scopes.",
            InputSchema = EmptySchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = false, IdempotentHint = true, DestructiveHint = false, OpenWorldHint = false },
        }, CheckAuthStatusAsync);
    }

    private async ValueTask<CallToolResult> AuthenticateAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var call = invocation.Call;
        if (call.Session is not { } session || call.Issuer is null || call.Resource is null)
        {
            return NoSession("authenticate", SessionHint, call);
        }

        var requested = invocation.GetString("scope");
        IReadOnlySet<string> scopeSet;
        try
        {
            scopeSet = OAuthScopes.Parse(requested);
        }
        catch (OAuthException ex)
        {
            return ToolError.Result("VALIDATION_FAILED", ex.Message, "Leave scope out for every area, or pass scopes listed at /.well-known/oauth-protected-resource.", call.RequestId,
                new JsonObject { ["path"] = "scope", ["expected"] = "space-separated supported scopes", ["received"] = requested });
        }

        await using var scope = scopes.CreateAsyncScope();
        var devices = scope.ServiceProvider.GetRequiredService<DeviceAuthorization>();
        await devices.EnsureSessionClientAsync(cancellationToken);
        var client = session.ClientInfo;
        var issued = await devices.StartAsync(DeviceFlow.SessionClientId, scopeSet, call.Resource, session.Id, (client?.Name, client?.Version), cancellationToken);
        var uri = DeviceFlow.VerificationUri(call.Issuer);
        var complete = DeviceFlow.VerificationUriComplete(call.Issuer, issued.UserCode);
        var result = new JsonObject
        {
            ["status"] = "pending",
            ["verification_uri"] = uri,
            ["verification_uri_complete"] = complete,
            ["user_code"] = issued.UserCode,
            ["expires_in"] = issued.ExpiresIn,
            ["interval"] = issued.Interval,
            ["scopes"] = new JsonArray([.. scopeSet.Select(s => JsonValue.Create(s))]),
            ["session"] = DeviceFlow.ShortSessionId(session.Id),
        };
        return ToolResults.Structured(
            $"Ask the user to open {complete} (or {uri} and enter the code {issued.UserCode}), sign in and allow access within {issued.ExpiresIn / 60} minutes. " +
            $"The page names this session as {DeviceFlow.ShortSessionId(session.Id)}; approving lets this session act as that user. " +
            $"Then call check_auth_status, no more often than every {issued.Interval} seconds.", result);
    }

    private async ValueTask<CallToolResult> CheckAuthStatusAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var call = invocation.Call;
        if (call.Session is not { } session)
        {
            return NoSession("check_auth_status", SessionHint, call);
        }

        await using var scope = scopes.CreateAsyncScope();
        var devices = scope.ServiceProvider.GetRequiredService<DeviceAuthorization>();
        var code = await devices.FindForSessionAsync(session.Id, cancellationToken);
        if (code is null)
        {
            return ToolError.Result("NOT_FOUND", "No sign-in was started in this session.", "Call authenticate first and show the user its URL and code.", call.RequestId);
        }

        if (code.Status == DeviceFlow.Used)
        {
            return await SignedInAsync(session, cancellationToken);
        }

        OAuthGrantRecord grant;
        try
        {
            (grant, _) = await devices.PollAsync(code, withRefreshToken: false, cancellationToken);
        }
        catch (OAuthException ex) when (ex.Error == "invalid_grant")
        {
            // Another call in this session redeemed it a moment ago.
            return await SignedInAsync(session, cancellationToken);
        }
        catch (OAuthException ex)
        {
            return Status(ex.Error switch
            {
                "authorization_pending" => "pending",
                "access_denied" => "denied",
                "expired_token" => "expired",
                _ => ex.Error,
            }, ex.Error switch
            {
                "authorization_pending" => $"Waiting for the user to approve. Call check_auth_status again in {code.IntervalSeconds} seconds.",
                "slow_down" => $"Polling too fast: wait {code.IntervalSeconds} seconds before calling check_auth_status again.",
                "access_denied" => "The user denied the sign-in. Call authenticate to start again if they change their mind.",
                "expired_token" => "The code expired before the user approved it. Call authenticate for a new one.",
                _ => ex.Message,
            }, new JsonObject { ["interval"] = code.IntervalSeconds, ["expiresAt"] = code.ExpiresAt.ToString("O") });
        }

        var user = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UserRecord>().AsNoTracking().FirstAsync(u => u.Id == grant.UserId, cancellationToken);
        await authorizations.AttachAsync(session, grant, user, cancellationToken);
        await session.NotifyToolsChangedAsync();
        return await SignedInAsync(session, cancellationToken);
    }

    private async ValueTask<CallToolResult> SignedInAsync(ICallSession session, CancellationToken cancellationToken)
    {
        if (await authorizations.ActiveAsync(session, cancellationToken) is not { } active)
        {
            return Status("signed_out", "The session's sign-in ended (it expired or was revoked). Call authenticate to sign in again.", []);
        }

        return Status("approved", $"Signed in as {active.Principal.Email}. Calls in this session now use that account's permissions: {string.Join(' ', active.Principal.Scopes.Order(StringComparer.Ordinal))}.",
            new JsonObject
            {
                ["user"] = new JsonObject { ["id"] = active.Principal.Id, ["email"] = active.Principal.Email },
                ["scopes"] = new JsonArray([.. active.Principal.Scopes.Order(StringComparer.Ordinal).Select(s => JsonValue.Create(s))]),
                ["expiresAt"] = active.ExpiresAt.ToString("O"),
            });
    }

    private static CallToolResult Status(string status, string message, JsonObject details)
    {
        details["status"] = status;
        details["message"] = message;
        return ToolResults.Structured(message, details);
    }
}
