using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Hosting;

/// <summary>
/// Request bodies read with a ceiling that holds for chunked bodies too (no Content-Length): a reader
/// takes at most <c>maxBytes + 1</c> bytes and stops, and Kestrel's limit for the request is set to
/// the same ceiling, so a client that keeps sending is cut off instead of buffered. Every endpoint
/// that reads a body goes through here; Kestrel's global limit (<see cref="SettingName"/>) covers
/// the rest (a body nobody reads is drained by Kestrel up to that limit, then the connection closes).
/// </summary>
internal static class RequestBodies
{
    /// <summary>Kestrel's limit for every request unless an endpoint raises or lowers it for its own.</summary>
    public const string SettingName = "Portico:Http:MaxRequestBodyBytes";

    public const long DefaultMaxBytes = 1024 * 1024;

    /// <summary>The global limit from configuration (a positive number of bytes), for Kestrel.</summary>
    public static long GlobalLimit(IConfiguration configuration)
        => configuration.GetValue<long?>(SettingName) is { } value && value > 0 ? value : DefaultMaxBytes;

    /// <summary>Sets Kestrel's limit for this request (only possible before anything read the body).</summary>
    public static void Limit(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
    }

    /// <summary>
    /// Reads the whole body into a pooled buffer (the caller returns it to <see cref="ArrayPool{T}.Shared"/>),
    /// or reports <c>TooLarge</c> as soon as more than <paramref name="maxBytes"/> arrived — never reading further.
    /// </summary>
    public static async Task<(byte[]? Body, int Length, bool TooLarge)> ReadAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        // Set first, so a body refused unread is not drained either: Kestrel closes the connection instead.
        Limit(context, maxBytes);
        if (request.ContentLength > maxBytes)
        {
            return (null, 0, true);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length, false);
                }

                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0, true);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit (set above) tripped first.
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0, true);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Reads the body as <see cref="ReadAsync"/> does and copies it out: for small bodies (forms, admin JSON). Null when too large.</summary>
    public static async Task<byte[]?> ReadBytesAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        var (body, length, tooLarge) = await ReadAsync(context, maxBytes, cancellationToken);
        if (tooLarge)
        {
            return null;
        }

        try
        {
            return body.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body!);
        }
    }
}
