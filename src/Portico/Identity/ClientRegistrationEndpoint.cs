using System.Text.Json;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Dynamic Client Registration (RFC 7591): public clients (<c>none</c>) and confidential ones, whose secret is shown once
/// and stored hashed. Open to anyone, so what registers here gets only user-delegated grants and an unverified name
/// (<see cref="ClientNames"/>).
/// </summary>
internal static class ClientRegistrationEndpoint
{
    public const int MaxBodyBytes = 64 * 1024;

    public static readonly string[] AuthMethods = ["none", "client_secret_basic", "client_secret_post"];

    public static async Task HandleAsync(HttpContext context, PorticoDbContext db, GrantTypes grants, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        var body = await OAuthBodies.ReadJsonObjectAsync(context, MaxBodyBytes, Metadata);
        var authMethod = String(body, "token_endpoint_auth_method") ?? "client_secret_basic";
        var grantTypes = Strings(body, "grant_types") ?? ["authorization_code", "refresh_token"];
        var redirectUris = Strings(body, "redirect_uris") ?? [];
        var responseTypes = Strings(body, "response_types") ?? ["code"];
        if (responseTypes.Any(r => r != "code"))
        {
            throw Metadata("Only response_types [\"code\"] is supported (OAuth 2.1: no implicit flow).");
        }

        var name = String(body, "client_name");
        await ClientNames.RefuseImpersonationAsync(db, name, Metadata, cancellationToken);
        var (client, secret) = ClientRegistrations.New(grants, name, authMethod, redirectUris, grantTypes, String(body, "scope"), byOperator: null, time.GetUtcNow());
        var scope = client.Scope;
        db.Set<OAuthClientRecord>().Add(client);
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
            : value.ValueKind == JsonValueKind.String ? OAuthBodies.Text(value, name, Metadata) : throw Metadata($"{name} must be a string.");

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

        return [.. value.EnumerateArray().Select(v => OAuthBodies.Text(v, name, Metadata)).Distinct(StringComparer.Ordinal)];
    }
}
