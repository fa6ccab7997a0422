using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
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

        if (JsonTextCheck.InvalidUtf8Offset(body) is var invalidAt and >= 0)
        {
            return JsonRpcReadResult.Fail(JsonRpcErrorCodes.ParseError, $"Parse error: the body is not valid UTF-8 (invalid byte sequence at offset {invalidAt}).",
                "Encode the JSON text as UTF-8 (RFC 8259); escape other characters as \\uXXXX, characters outside the BMP as a surrogate pair.");
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

            if (JsonTextCheck.Find(body) is { } problem)
            {
                return Refuse(problem, SafeId(root));
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

                if (!IsPlausibleMethodName(name))
                {
                    // No MCP method looks like this; answered here so the SDK never logs it (it logs method names).
                    return JsonRpcReadResult.Fail(JsonRpcErrorCodes.MethodNotFound, $"Method not found: '{Hosting.LogValue.Safe(name)}'.",
                        $"Method names are short ASCII names such as \"tools/call\" (at most {MaxMethodLength} visible characters).", id);
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

    /// <summary>The longest method name accepted; MCP's own are under 40 characters.</summary>
    public const int MaxMethodLength = 128;

    private static bool IsPlausibleMethodName(string name)
    {
        if (name.Length > MaxMethodLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is < '\x21' or > '\x7e')
            {
                return false;
            }
        }

        return true;
    }

    private static JsonRpcReadResult Refuse(JsonTextCheck.Problem problem, object? id) => problem switch
    {
        { Kind: JsonTextCheck.ProblemKind.LoneSurrogate } => JsonRpcReadResult.Fail(JsonRpcErrorCodes.ParseError,
            $"Parse error: the string at '{problem.Path}' contains a \\u escape of an unpaired surrogate, which is not a Unicode character.",
            "Escape characters outside the BMP as a high and low surrogate pair (e.g. \\ud83d\\ude00), or send them as UTF-8.", id),
        { TopLevelMember: "params" } => JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidParams,
            $"Invalid params: the key '{(problem.Path.StartsWith("params.", StringComparison.Ordinal) ? problem.Path["params.".Length..] : problem.Path)}' appears twice.", "Name each key once per object; which of two values was meant is ambiguous.", id),
        _ => JsonRpcReadResult.Fail(JsonRpcErrorCodes.InvalidRequest,
            $"Invalid Request: the key '{problem.Path}' appears twice.", "Name each key once per object; which of two values was meant is ambiguous.", id),
    };

    /// <summary>The request id for an error answer, when it can be read at all.</summary>
    private static object? SafeId(JsonElement root)
    {
        if (!root.TryGetProperty("id", out var id))
        {
            return null;
        }

        try
        {
            return id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number when id.TryGetInt64(out var number) => number,
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return null;
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
