using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>
/// Checks the params of the MCP methods Portico serves before the SDK deserializes them. The SDK turns a
/// deserialization failure into -32603 "An error occurred." — a client mistake reported as a server fault.
/// Here the client gets -32602 Invalid params saying what is wrong; real server faults stay -32603.
/// The common mistakes get a message of their own; anything else the SDK's own contract for the method
/// refuses is reported with the path System.Text.Json names.
/// </summary>
#pragma warning disable MCP9005 // logging/setLevel is deprecated from 2026-07-28 but still served to sessions of earlier revisions.
internal static class McpParamsCheck
{
    /// <summary>Tool and prompt names longer than this are nobody's (MCP recommends at most 128 characters).</summary>
    public const int MaxNameLength = 256;

    /// <summary>Resource URIs longer than this are refused: the SDK logs the URI of every failed read.</summary>
    public const int MaxUriLength = 4096;

    private static readonly Dictionary<string, Type> ParamsTypes = new(StringComparer.Ordinal)
    {
        [RequestMethods.ToolsCall] = typeof(CallToolRequestParams),
        [RequestMethods.ToolsList] = typeof(ListToolsRequestParams),
        [RequestMethods.PromptsList] = typeof(ListPromptsRequestParams),
        [RequestMethods.PromptsGet] = typeof(GetPromptRequestParams),
        [RequestMethods.ResourcesList] = typeof(ListResourcesRequestParams),
        [RequestMethods.ResourcesTemplatesList] = typeof(ListResourceTemplatesRequestParams),
        [RequestMethods.ResourcesRead] = typeof(ReadResourceRequestParams),
        [RequestMethods.ResourcesSubscribe] = typeof(SubscribeRequestParams),
        [RequestMethods.ResourcesUnsubscribe] = typeof(UnsubscribeRequestParams),
        [RequestMethods.CompletionComplete] = typeof(CompleteRequestParams),
        [RequestMethods.LoggingSetLevel] = typeof(SetLevelRequestParams),
        [RequestMethods.Initialize] = typeof(InitializeRequestParams),
    };

    /// <summary>The MCP log levels, lowest first (RFC 5424 severities).</summary>
    public static readonly string[] LoggingLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

    /// <summary>The SDK message filter: refuses a request whose params its handler could not read.</summary>
    public static McpMessageFilter Filter { get; } = next => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest request && Problem(request) is { } problem)
        {
            throw new McpProtocolException($"Invalid params for '{request.Method}': {problem}", McpErrorCode.InvalidParams);
        }

        await next(context, cancellationToken);
    };

    /// <summary>What is wrong with <paramref name="request"/>'s params, or null when its handler can read them.</summary>
    public static string? Problem(JsonRpcRequest request)
    {
        if (!ParamsTypes.TryGetValue(request.Method, out var type))
        {
            return null;
        }

        var parameters = request.Params as JsonObject;
        var specific = request.Method switch
        {
            RequestMethods.ToolsCall => ToolsCall(parameters),
            RequestMethods.PromptsGet => Name(parameters, "name", "prompt") ?? OptionalObject(parameters, "arguments") ?? Retry(parameters),
            RequestMethods.ResourcesRead => Uri(parameters, "uri") ?? Retry(parameters),
            RequestMethods.ResourcesSubscribe or RequestMethods.ResourcesUnsubscribe => Uri(parameters, "uri"),
            RequestMethods.LoggingSetLevel => LoggingLevel(parameters),
            RequestMethods.CompletionComplete => Completion(parameters),
            _ => null,
        };
        return specific ?? Contract(request.Params, type);
    }

    // The SDK logs the tool, prompt or URI of a call that fails, raw: these are refused before they get there.
    private static string? ToolsCall(JsonObject? parameters) => Name(parameters, "name", "tool") ?? OptionalObject(parameters, "arguments") ?? Retry(parameters);

    /// <summary>The retry of an input-required result (SEP-2322): the answers, each an object, and the state as it was given.</summary>
    private static string? Retry(JsonObject? parameters)
    {
        if (parameters is null)
        {
            return null;
        }

        if (parameters.TryGetPropertyValue("inputResponses", out var responses))
        {
            if (responses is not JsonObject answers)
            {
                return $"'inputResponses' must be an object (request key → the client's result for that request); got {(responses is null ? "null" : Describe(responses))}.";
            }

            foreach (var (key, answer) in answers)
            {
                if (answer is not JsonObject)
                {
                    return $"'inputResponses.{LogValue.Safe(key)}' must be the result object of the request sent under that key; got {(answer is null ? "null" : Describe(answer))}.";
                }
            }
        }

        return parameters.TryGetPropertyValue("requestState", out var state) && !(state is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            ? $"'requestState' must be the string the input_required result gave, unchanged; got {(state is null ? "null" : Describe(state))}."
            : null;
    }

    private static string? Name(JsonObject? parameters, string key, string what, string? path = null)
    {
        if (RequiredString(parameters, key, path) is { } missing)
        {
            return missing;
        }

        var name = (string)parameters![key]!;
        return name.Length > MaxNameLength || name.Any(char.IsControl)
            ? $"unknown {what} '{LogValue.Safe(name)}': {what} names are at most {MaxNameLength} characters, without control characters."
            : null;
    }

    private static string? Uri(JsonObject? parameters, string key, string? path = null)
    {
        if (RequiredString(parameters, key, path) is { } missing)
        {
            return missing;
        }

        var uri = (string)parameters![key]!;
        return uri.Length > MaxUriLength ? $"'{path ?? key}' is longer than {MaxUriLength} characters."
            : uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ? $"'{path ?? key}' is not a URI: '{LogValue.Safe(uri)}' contains white space or control characters."
            : null;
    }

    private static string? LoggingLevel(JsonObject? parameters)
    {
        if (RequiredString(parameters, "level") is { } missing)
        {
            return $"{missing} One of: {string.Join(", ", LoggingLevels)}.";
        }

        var level = (string)parameters!["level"]!;
        return Array.IndexOf(LoggingLevels, level) < 0
            ? $"'level' must be one of {string.Join(", ", LoggingLevels)}; got '{LogValue.Safe(level)}'."
            : null;
    }

    private static string? Completion(JsonObject? parameters)
    {
        if (parameters?["ref"] is not JsonObject reference)
        {
            return "'ref' must be an object: {\"type\":\"ref/prompt\",\"name\":…} or {\"type\":\"ref/resource\",\"uri\":…}.";
        }

        var type = reference["type"] is JsonValue value && value.TryGetValue<string>(out var t) ? t : null;
        var problem = type switch
        {
            "ref/prompt" => Name(reference, "name", "prompt", "ref.name"),
            "ref/resource" => Uri(reference, "uri", "ref.uri"),
            _ => $"'ref.type' must be \"ref/prompt\" or \"ref/resource\"; got {Describe(reference["type"])}.",
        };
        if (problem is not null)
        {
            return problem;
        }

        if (parameters["argument"] is not JsonObject argument)
        {
            return "'argument' must be an object with the 'name' and 'value' of the argument to complete.";
        }

        return RequiredString(argument, "name", "argument.name") ?? RequiredString(argument, "value", "argument.value", allowEmpty: true);
    }

    private static string? RequiredString(JsonObject? parameters, string key, string? path = null, bool allowEmpty = false)
    {
        var node = parameters?[key];
        return node is JsonValue value && value.TryGetValue<string>(out var text) && (allowEmpty || text.Length > 0)
            ? null
            : $"'{path ?? key}' must be a non-empty string; got {Describe(node)}.";
    }

    private static string? OptionalObject(JsonObject? parameters, string key)
    {
        var node = parameters?[key];
        return node is null or JsonObject ? null : $"'{key}' must be an object (name → value); got {Describe(node)}.";
    }

    /// <summary>The same deserialization the SDK does next, so whatever it would fail on is the client's mistake.</summary>
    private static string? Contract(JsonNode? parameters, Type type)
    {
        try
        {
            JsonSerializer.Deserialize(parameters, McpJson.Options.GetTypeInfo(type));
            return null;
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 1 } p ? p.TrimStart('$').TrimStart('.') : null;
            var reason = ex.Message.Split(" Path: ", 2)[0].Split(". ", 2)[0].TrimEnd('.');
            return path is null ? $"{LogValue.Safe(reason)}." : $"the value at '{LogValue.Safe(path)}' does not fit: {LogValue.Safe(reason)}.";
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Length == 0 ? "an empty string" : "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
        _ => "something else",
    };
}
#pragma warning restore MCP9005
