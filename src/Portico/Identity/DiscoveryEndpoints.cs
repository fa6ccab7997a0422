using System.Text.Json;
using Portico.Hosting;

namespace Portico.Identity;

/// <summary>RFC 9728 protected-resource metadata (one per MCP path) and RFC 8414 authorization-server metadata.</summary>
internal static class DiscoveryEndpoints
{
    public static Task ProtectedResourceAsync(HttpContext context, IdentityUrls urls, string? path)
    {
        var mcpPath = string.IsNullOrEmpty(path) ? new PathString("/mcp") : new PathString("/" + path.TrimEnd('/'));
        if (!McpResources.IsResourcePath(mcpPath.Value!))
        {
            return OAuthJson.WriteErrorAsync(context, new OAuthException("not_found",
                $"No protected resource at '{mcpPath}'. MCP endpoints are /mcp and /{{tenantId}}/mcp; their metadata is at /.well-known/oauth-protected-resource/mcp.",
                StatusCodes.Status404NotFound));
        }

        var issuer = urls.Issuer(context.Request);
        return OAuthJson.WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("resource", urls.Resource(context.Request, mcpPath));
            OAuthJson.WriteArray(json, "authorization_servers", [issuer]);
            OAuthJson.WriteArray(json, "scopes_supported", OAuthScopes.Supported);
            OAuthJson.WriteArray(json, "bearer_methods_supported", ["header"]);
            json.WriteString("resource_name", "Portico");
            json.WriteString("jwks_uri", $"{issuer}/oauth/jwks");
        });
    }

    public static Task AuthorizationServerAsync(HttpContext context, IdentityUrls urls, GrantTypes grants)
    {
        var issuer = urls.Issuer(context.Request);
        return OAuthJson.WriteAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteString("issuer", issuer);
            json.WriteString("authorization_endpoint", $"{issuer}/oauth/authorize");
            json.WriteString("token_endpoint", $"{issuer}/oauth/token");
            json.WriteString("registration_endpoint", $"{issuer}/oauth/register");
            json.WriteString("revocation_endpoint", $"{issuer}/oauth/revoke");
            json.WriteString("introspection_endpoint", $"{issuer}/oauth/introspect");
            json.WriteString("device_authorization_endpoint", issuer + DeviceFlow.AuthorizationPath);
            json.WriteString("jwks_uri", $"{issuer}/oauth/jwks");
            json.WriteString("userinfo_endpoint", issuer + UserinfoEndpoint.Path);
            OAuthJson.WriteArray(json, "response_types_supported", ["code"]);
            OAuthJson.WriteArray(json, "response_modes_supported", ["query"]);
            OAuthJson.WriteArray(json, "grant_types_supported", grants.Names);
            OAuthJson.WriteArray(json, "token_endpoint_auth_methods_supported", ClientRegistrationEndpoint.AuthMethods);
            OAuthJson.WriteArray(json, "revocation_endpoint_auth_methods_supported", ClientRegistrationEndpoint.AuthMethods);
            OAuthJson.WriteArray(json, "introspection_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]);
            OAuthJson.WriteArray(json, "code_challenge_methods_supported", ["S256"]);
            OAuthJson.WriteArray(json, "scopes_supported", OAuthScopes.Supported);
            json.WriteBoolean("authorization_response_iss_parameter_supported", true);
            json.WriteBoolean("client_id_metadata_document_supported", true);
        });
    }

    public static async Task JwksAsync(HttpContext context, SigningKeys keys)
    {
        var validation = await keys.GetValidationKeysAsync(null, context.RequestAborted);
        context.Response.Headers.CacheControl = "public, max-age=300";
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("keys");
        foreach (var key in validation)
        {
            var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
            json.WriteStartObject();
            json.WriteString("kty", "EC");
            json.WriteString("crv", "P-256");
            json.WriteString("use", "sig");
            json.WriteString("alg", "ES256");
            json.WriteString("kid", key.KeyId);
            json.WriteString("x", Secrets.Base64Url(parameters.Q.X!));
            json.WriteString("y", Secrets.Base64Url(parameters.Q.Y!));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
