using System.Text.Json;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>Dynamic Client Registration (RFC 7591): public clients (<c>none</c>) and confidential ones, whose secret is shown once and stored hashed.</summary>
internal static class ClientRegistrationEndpoint
{
    public const int MaxBodyBytes = 64 * 1024;

    public static readonly string[] AuthMethods = ["none", "client_secret_basic", "client_secret_post"];

    public static readonly string[] GrantTypes = ["authorization_code", "refresh_token", "client_credentials", DeviceFlow.GrantType];

    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw Metadata($"The registration request is larger than {MaxBodyBytes} bytes.");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw Metadata($"The body is not JSON: {ex.Message}");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Metadata("The body must be a JSON object of client metadata (RFC 7591 2).");
        }

        var authMethod = String(body, "token_endpoint_auth_method") ?? "client_secret_basic";
        if (!AuthMethods.Contains(authMethod))
        {
            throw Metadata($"token_endpoint_auth_method '{authMethod}' is not supported. Use one of: {string.Join(", ", AuthMethods)}.");
        }

        var grantTypes = Strings(body, "grant_types") ?? ["authorization_code", "refresh_token"];
        if (grantTypes.FirstOrDefault(g => !GrantTypes.Contains(g)) is { } unknownGrant)
        {
            throw Metadata($"grant_type '{unknownGrant}' is not supported. Use: {string.Join(", ", GrantTypes)}.");
        }

        if (authMethod == "none" && grantTypes.Contains("client_credentials"))
        {
            throw Metadata("client_credentials needs a confidential client: use token_endpoint_auth_method client_secret_basic or client_secret_post.");
        }

        var redirectUris = Strings(body, "redirect_uris") ?? [];
        if (grantTypes.Contains("authorization_code") && redirectUris.Count == 0)
        {
            throw new OAuthException("invalid_redirect_uri", "redirect_uris is required for the authorization_code grant.");
        }

        if (redirectUris.Select(RedirectUris.Problem).FirstOrDefault(p => p is not null) is { } problem)
        {
            throw new OAuthException("invalid_redirect_uri", problem);
        }

        var responseTypes = Strings(body, "response_types") ?? ["code"];
        if (responseTypes.Any(r => r != "code"))
        {
            throw Metadata("Only response_types [\"code\"] is supported (OAuth 2.1: no implicit flow).");
        }

        var scope = String(body, "scope");
        if (scope is not null)
        {
            try
            {
                scope = OAuthScopes.Format(OAuthScopes.Parse(scope));
            }
            catch (OAuthException ex)
            {
                throw Metadata(ex.Message);
            }
        }

        var name = String(body, "client_name");
        var secret = authMethod == "none" ? null : Secrets.New("pcs_");
        var client = new OAuthClientRecord
        {
            Id = "pcl_" + Secrets.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            SecretHash = secret is null ? null : Secrets.Hash(secret),
            Name = name is { Length: > 200 } ? name[..200] : name,
            AuthMethod = authMethod,
            RedirectUris = string.Join(' ', redirectUris),
            GrantTypes = string.Join(' ', grantTypes),
            Scope = scope,
            CreatedAt = time.GetUtcNow(),
        };
        db.OAuthClients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        await OAuthJson.WriteAsync(context, StatusCodes.Status201Created, json =>
        {
            json.WriteString("client_id", client.Id);
            json.WriteNumber("client_id_issued_at", client.CreatedAt.ToUnixTimeSeconds());
            if (secret is not null)
            {
                json.WriteString("client_secret", secret);
                json.WriteNumber("client_secret_expires_at", 0);
            }

            if (client.Name is not null)
            {
                json.WriteString("client_name", client.Name);
            }

            OAuthJson.WriteArray(json, "redirect_uris", redirectUris);
            OAuthJson.WriteArray(json, "grant_types", grantTypes);
            OAuthJson.WriteArray(json, "response_types", ["code"]);
            json.WriteString("token_endpoint_auth_method", authMethod);
            if (scope is not null)
            {
                json.WriteString("scope", scope);
            }
        });
    }

    private static OAuthException Metadata(string description) => new("invalid_client_metadata", description);

    internal static string? String(JsonElement body, string name)
        => !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString() : throw Metadata($"{name} must be a string.");

    internal static List<string>? Strings(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Metadata($"{name} must be an array of strings.");
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal)];
    }
}
