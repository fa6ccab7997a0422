using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

using Portico.Hosting;

namespace Portico.Identity;

/// <summary>
/// Reads the bodies of the <c>/oauth</c> endpoints, bounded in size. A body that cannot be read — not the expected
/// media type, not UTF-8, broken, too large, too many fields — is an RFC 6749 error saying so, never a 500.
/// </summary>
internal static class OAuthBodies
{
    /// <summary>Every form Portico accepts is a few hundred bytes; this leaves room for long tokens and many scopes.</summary>
    public const int MaxFormBytes = 64 * 1024;

    /// <summary>The form of a token, revocation, introspection, device or page post; <paramref name="expected"/> is the refusal when it is not url-encoded.</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpContext context, string expected)
    {
        // RFC 6749 3.2 and its extensions take application/x-www-form-urlencoded only; multipart is refused, not parsed.
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw OAuthException.InvalidRequest(expected);
        }

        Limit(context, MaxFormBytes);
        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            throw OAuthException.InvalidRequest($"The form could not be read: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new OAuthException("invalid_request", $"The form is larger than {MaxFormBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
    }

    /// <summary>A JSON object of at most <paramref name="maxBytes"/> UTF-8 bytes; anything else is <paramref name="refuse"/>d with the reason.</summary>
    public static async Task<JsonElement> ReadJsonObjectAsync(HttpContext context, int maxBytes, Func<string, OAuthException> refuse)
    {
        // The shared bounded reader: at most maxBytes + 1 bytes, and Kestrel's limit for this request set to the same,
        // so an endless chunked body is cut off with a 413 instead of surfacing as Kestrel's exception (a 500).
        var (body, length, tooLarge) = await RequestBodies.ReadAsync(context, maxBytes, context.RequestAborted);
        if (tooLarge)
        {
            throw new OAuthException("invalid_request", $"The request body is larger than {maxBytes} bytes; no OAuth request needs that much.",
                StatusCodes.Status413PayloadTooLarge);
        }

        try
        {
            return ParseObject(body.AsSpan(0, length), refuse);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(body!);
        }
    }

    /// <summary>Parses UTF-8 JSON text (RFC 8259 8.1: nothing else is JSON); the root must be an object.</summary>
    public static JsonElement ParseObject(ReadOnlySpan<byte> utf8, Func<string, OAuthException> refuse)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw refuse("The body is not valid UTF-8 text; JSON must be encoded as UTF-8 (RFC 8259 8.1).");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw refuse($"The body is not JSON: {ex.Message}");
        }

        return root.ValueKind == JsonValueKind.Object ? root : throw refuse("The body must be a JSON object.");
    }

    /// <summary>A JSON string's text; a lone surrogate escape (<c>\ud800</c>) is no text and is <paramref name="refuse"/>d naming the member.</summary>
    public static string Text(JsonElement value, string name, Func<string, OAuthException> refuse)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw refuse($"{name} is not valid Unicode text (it contains an unpaired surrogate such as \\ud800).");
        }
    }

    private static void Limit(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > maxBytes))
        {
            limit.MaxRequestBodySize = maxBytes;
        }
    }
}
