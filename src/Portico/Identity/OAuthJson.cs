using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portico.Identity;

/// <summary>Writes the JSON bodies of <c>/oauth/*</c> and <c>/.well-known/*</c>: never cached, never HTML.</summary>
internal static class OAuthJson
{
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        // Relaxed escaping: this is JSON for OAuth clients and terminals, never embedded in HTML, so quotes stay readable.
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        write(json);
        json.WriteEndObject();
    }

    public static Task WriteErrorAsync(HttpContext context, OAuthException error)
    {
        if (error.Status == StatusCodes.Status401Unauthorized && error.BasicChallenge)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"portico\"";
        }

        return WriteAsync(context, error.Status, json =>
        {
            json.WriteString("error", error.Error);
            json.WriteString("error_description", error.Message);
            json.WriteString("requestId", context.TraceIdentifier);
        });
    }

    public static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
