using System.Text.Json;

namespace Portico.Hosting;

/// <summary>
/// Writes error bodies. Portico never answers with HTML: MCP paths get a JSON-RPC error object,
/// everything else a small JSON object; both carry a hint and the request id.
/// </summary>
internal static class JsonErrors
{
    public static async Task WriteJsonRpcAsync(HttpContext context, int status, int code, string message, string? hint = null,
        Action<Utf8JsonWriter>? writeData = null, object? id = null)
    {
        PrepareResponse(context, status);
        await using (var json = new Utf8JsonWriter(context.Response.Body))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            WriteId(json, id);
            json.WriteStartObject("error");
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteStartObject("data");
            if (hint is not null)
            {
                json.WriteString("hint", hint);
            }

            writeData?.Invoke(json);
            json.WriteString("requestId", context.TraceIdentifier);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
    }

    /// <summary>In the shape of the endpoint that was routed: a JSON-RPC error on MCP endpoints, the plain object elsewhere.</summary>
    public static Task WriteForEndpointAsync(HttpContext context, int status, int jsonRpcCode, string error, string message, string? hint = null)
        => McpEndpointMetadata.Of(context) is not null
            ? WriteJsonRpcAsync(context, status, jsonRpcCode, message, hint)
            : WritePlainAsync(context, status, error, message, hint);

    public static async Task WritePlainAsync(HttpContext context, int status, string error, string message, string? hint = null)
    {
        PrepareResponse(context, status);
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("error", error);
        json.WriteString("message", message);
        if (hint is not null)
        {
            json.WriteString("hint", hint);
        }

        json.WriteString("requestId", context.TraceIdentifier);
        json.WriteEndObject();
    }

    private static void PrepareResponse(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
    }

    private static void WriteId(Utf8JsonWriter json, object? id)
    {
        switch (id)
        {
            case string s:
                json.WriteString("id", s);
                break;
            case long l:
                json.WriteNumber("id", l);
                break;
            default:
                json.WriteNull("id");
                break;
        }
    }
}
