using System.Text;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>Who is calling the token, revocation and introspection endpoints: HTTP Basic, form secret, or a public client's bare <c>client_id</c>.</summary>
internal static class ClientAuthentication
{
    public static async Task<OAuthClientRecord> AuthenticateAsync(HttpContext context, IFormCollection form, PorticoDbContext db, CancellationToken cancellationToken)
    {
        string? id = form["client_id"];
        string? secret = form["client_secret"];
        var basic = false;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            basic = true;
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                throw Refuse("The Authorization header is not valid HTTP Basic (base64 of client_id:client_secret).", basic);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw Refuse("HTTP Basic credentials must be client_id:client_secret.", basic);
            }

            id = Uri.UnescapeDataString(decoded[..colon]);
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
        }

        if (string.IsNullOrEmpty(id))
        {
            throw Refuse("No client_id: a public client sends it in the form, a confidential client authenticates with HTTP Basic or client_secret_post.", basic);
        }

        OAuthClientRecord? found;
        try
        {
            found = await context.RequestServices.GetRequiredService<ClientMetadataDocuments>().FindAsync(id, db, cancellationToken);
        }
        catch (OAuthException ex) when (ex.Error == "invalid_client")
        {
            throw Refuse(ex.Message, basic);
        }

        var client = found ?? throw Refuse($"Unknown client '{id}'. Register it at /oauth/register (Dynamic Client Registration) and use the client_id it returns.", basic);
        if (client.SecretHash is null)
        {
            return client;
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw Refuse($"Client '{id}' is confidential: authenticate with {client.AuthMethod} (client_secret missing).", basic);
        }

        if (!Secrets.Matches(secret, client.SecretHash))
        {
            throw Refuse($"Client authentication failed for '{id}': wrong client_secret.", basic);
        }

        return client;
    }

    private static OAuthException Refuse(string description, bool basic) => new("invalid_client", description, StatusCodes.Status401Unauthorized) { BasicChallenge = basic };
}
