using Portico.Storage;

namespace Portico.Identity;

/// <summary><c>/oauth/device_authorization</c> (RFC 8628 3.1–3.2): a client without a browser asks for a device code and a user code.</summary>
internal static class DeviceAuthorizationEndpoint
{
    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, IdentityUrls urls, DeviceAuthorization devices)
    {
        if (!context.Request.HasFormContentType)
        {
            throw OAuthException.InvalidRequest("The device authorization request must be application/x-www-form-urlencoded (RFC 8628 3.1).");
        }

        var cancellationToken = context.RequestAborted;
        var form = await OAuthBodies.ReadFormAsync(context, cancellationToken);
        var client = await ClientAuthentication.AuthenticateAsync(context, form, db, cancellationToken);
        if (client.Id == DeviceFlow.SessionClientId)
        {
            throw new OAuthException("unauthorized_client",
                $"'{DeviceFlow.SessionClientId}' is reserved for the authenticate tool of MCP sessions. Register your own client at /oauth/register with grant_types [\"{DeviceFlow.GrantType}\"].");
        }

        if (!client.GrantTypes.Split(' ').Contains(DeviceFlow.GrantType))
        {
            throw new OAuthException("unauthorized_client",
                $"This client is not registered for the device authorization grant: register it with grant_types including \"{DeviceFlow.GrantType}\".");
        }

        var scopes = OAuthScopes.ParseFor(client, form["scope"].ToString());
        var resource = urls.ValidateResource(context.Request, form["resource"].ToString());
        var issued = await devices.StartAsync(client.Id, scopes, resource, sessionId: null, cancellationToken);
        var issuer = urls.Issuer(context.Request);
        await OAuthJson.WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("device_code", issued.DeviceCode);
            json.WriteString("user_code", issued.UserCode);
            json.WriteString("verification_uri", DeviceFlow.VerificationUri(issuer));
            json.WriteString("verification_uri_complete", DeviceFlow.VerificationUriComplete(issuer, issued.UserCode));
            json.WriteNumber("expires_in", issued.ExpiresIn);
            json.WriteNumber("interval", issued.Interval);
        });
    }
}
