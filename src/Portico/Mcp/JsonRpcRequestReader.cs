using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>
/// Reads and validates one JSON-RPC message from a POST body before the SDK sees it, so every
/// malformed request gets a precise error (status, code, message, hint) instead of a 500.
/// </summary>
internal static class JsonRpcRequestReader
{
    /// <summary>
    /// The body, at most <paramref name="maxBytes"/> (<c>Portico:Mcp:MaxRequestBodyBytes</c>), which is also this
    /// request's Kestrel limit: the MCP endpoint is where bodies may exceed the server-wide default.
    /// </summary>
    public static Task<(byte[]? Body, int Length, bool TooLarge)> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        => RequestBodies.ReadAsync(request.HttpContext, maxBytes, cancellationToken);

    /// <summary>Validates the envelope and deserializes it; <see cref="JsonRpcReadResult.Error"/> says what is wrong.</summary>
    public static JsonRpcReadResult Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return JsonRpcReadResult.Fail(JsonRpcErrorCodes.ParseError, "Parse error: the request body is empty.", "Send one JSON-RPC 2.0 request object as the body.");
        }

        string? method;
        object? id = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: batch requests (JSON arrays) are not supported.", "Send one JSON-RPC request object per POST.");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: expected a JSON-RPC 2.0 object, got {Describe(root.ValueKind)}.", "Send {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"…\"}.");
            }

            if (root.TryGetProperty("id", out var idElement))
            {
                switch (idElement.ValueKind)
                {
                    case JsonValueKind.String:
                        id = idElement.GetString();
                        break;
                    case JsonValueKind.Number when idElement.TryGetInt64(out var number):
                        id = number;
                        break;
                    default:
                        return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: 'id' must be a string or an integer, got {Describe(idElement.ValueKind)}.", "Use a string or integer id; omit it only for notifications.");
                }
            }

            if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"u8))
            {
                return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: 'jsonrpc' must be exactly \"2.0\".", "Add \"jsonrpc\":\"2.0\" to the message.", id);
            }

            if (root.TryGetProperty("method", out var methodElement))
            {
                if (methodElement.ValueKind != JsonValueKind.String || methodElement.GetString() is not { Length: > 0 } name)
                {
                    return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: 'method' must be a non-empty string.", "Name the method to call, e.g. \"tools/list\".", id);
                }

                method = name;
                if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: 'params' must be an object, got {Describe(parameters.ValueKind)}.", "Pass parameters by name in an object.", id);
                }
            }
            else
            {
                method = null;
                var isResponse = id is not null && (root.TryGetProperty("result", out _) ^ root.TryGetProperty("error", out _));
                if (!isResponse)
                {
                    return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: missing 'method'.", "A request needs \"method\"; a response needs \"id\" and exactly one of \"result\" or \"error\".", id);
                }
            }
        }
        catch (JsonException ex)
        {
            return JsonRpcReadResult.Fail(JsonRpcErrorCodes.ParseError, $"Parse error: the body is not valid JSON ({FirstSentence(ex.Message)}).", "Send one JSON-RPC 2.0 request object encoded as UTF-8 JSON.");
        }

        try
        {
            var message = JsonSerializer.Deserialize(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonRpcMessage>)McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage)));
            return message is null
                ? JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: the message is null.", "Send a JSON-RPC 2.0 request object.")
                : new JsonRpcReadResult(message, method, id, null, null, null);
        }
        catch (JsonException ex)
        {
            return JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest, $"Invalid Request: {FirstSentence(ex.Message)}", "Check the message against the JSON-RPC 2.0 and MCP schemas.", id);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a non-integer number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }
}
