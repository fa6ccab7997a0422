using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Portico.Hosting;

namespace Portico.Identity;

/// <summary>
/// Reads the bodies of <c>/oauth/*</c> (forms and the registration JSON) with one small ceiling: no
/// OAuth request comes near it, and a larger one — declared or chunked — is refused with an RFC 6749
/// error after at most <see cref="MaxBytes"/> + 1 bytes, instead of being buffered or parsed.
/// </summary>
internal static class OAuthBodies
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContext context, CancellationToken cancellationToken)
        => await RequestBodies.ReadBytesAsync(context, MaxBytes, cancellationToken)
            ?? throw new OAuthException("invalid_request", $"The request body is larger than {MaxBytes} bytes; no OAuth request needs that much.",
                StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// The form, parsed from the bounded body. It is also set as the request's form feature, so
    /// anything later that reads <c>Request.Form</c> sees the same values without reading again.
    /// </summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpContext context, CancellationToken cancellationToken)
    {
        // HasFormContentType also admits multipart/form-data, which no OAuth endpoint speaks (RFC 6749 uses urlencoded forms only).
        if (!string.Equals(context.Request.GetTypedHeaders().ContentType?.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw OAuthException.InvalidRequest("The body must be application/x-www-form-urlencoded (multipart/form-data is not accepted).");
        }

        var body = await ReadAsync(context, cancellationToken);
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> fields;
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false));
            fields = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw OAuthException.InvalidRequest($"The form cannot be read: {ex.Message}");
        }

        var form = new FormCollection(fields);
        context.Features.Set<IFormFeature>(new FormFeature(form));
        return form;
    }
}
