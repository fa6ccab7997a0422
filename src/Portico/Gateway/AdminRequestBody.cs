using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Hosting;

namespace Portico.Gateway;

/// <summary>
/// The JSON body of an admin API request, read with a small ceiling: definitions, secrets and
/// allowlists are a few kilobytes, and a larger body (declared or chunked) is refused after at most
/// <see cref="MaxBytes"/> + 1 bytes instead of being buffered.
/// </summary>
internal static class AdminRequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body, or null when it is larger than <see cref="MaxBytes"/> (answer with <see cref="TooLarge"/>).</summary>
    public static Task<byte[]?> ReadAsync(HttpContext http) => RequestBodies.ReadBytesAsync(http, MaxBytes, http.RequestAborted);

    public static JsonHttpResult<GatewayError> TooLarge()
        => TypedResults.Json(new GatewayError($"The body is larger than {MaxBytes} bytes.", "Admin API bodies are small JSON objects; send only the fields the endpoint documents."),
            GatewayJsonContext.Default.GatewayError, statusCode: StatusCodes.Status413PayloadTooLarge);
}
