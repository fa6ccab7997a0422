using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Mcp;

/// <summary>
/// Custom headers from tool parameters (SEP-2243): a tool's input schema may mark a string, integer or boolean
/// property with <c>"x-mcp-header": "Region"</c>, at any depth; a 2026-07-28 client then mirrors that argument into
/// <c>Mcp-Param-Region</c>. Whatever routes on the header must see what the tool will get, so every annotated
/// argument present in the body needs its header with the same value, and a header for an argument the body
/// leaves out (or sets to null) is refused as well. Headers the tool does not declare are not Portico's to judge.
/// </summary>
internal static class McpParamHeaders
{
    public const string Prefix = "Mcp-Param-";

    /// <summary>JavaScript's safe integer range, which SEP-2243 requires of integer values.</summary>
    private const long MaxSafeInteger = 9007199254740991L;

    private static readonly ConditionalWeakTable<Tool, ParamHeader[]> Annotated = [];

    /// <summary>One annotated property: the header that mirrors it and the path of property names to its argument.</summary>
    private sealed record ParamHeader(string Header, string[] Path, bool IsInteger)
    {
        public string Argument => string.Join('.', Path);
    }

    public static McpRequestRefusal? Check(IHeaderDictionary headers, Tool tool, JsonNode? arguments)
    {
        foreach (var param in HeadersOf(tool))
        {
            var header = Prefix + param.Header;
            var body = Find(arguments, param.Path);
            var present = headers.TryGetValue(header, out var values);
            if (body is null)
            {
                if (present)
                {
                    return McpStandardHeaders.Mismatch(
                        $"Header mismatch: {header} was sent, but arguments.{param.Argument} of tool '{McpHeaderValue.Quote(tool.Name)}' is absent or null.",
                        $"Leave {header} out when the argument is null or not sent; send it only with the argument's value.");
                }

                continue;
            }

            var expected = HeaderText(body);
            if (!present)
            {
                return McpStandardHeaders.Mismatch(
                    $"Header mismatch: the {header} header is missing; tool '{McpHeaderValue.Quote(tool.Name)}' mirrors arguments.{param.Argument} into it, and the body has '{McpHeaderValue.Quote(expected)}'.",
                    $"Send '{header}' with the argument's value (Base64-encoded as =?base64?…?= when it is not plain ASCII or has surrounding white space); tools/list shows which arguments carry x-mcp-header.");
            }

            var sent = McpHeaderValue.Read(header, values);
            if (sent.Problem is { } problem)
            {
                return McpStandardHeaders.Mismatch($"Header mismatch: {problem}", $"Send {header} once, with the value of arguments.{param.Argument}.");
            }

            if (expected is null || !Matches(sent.Decoded!, expected, param.IsInteger))
            {
                return McpStandardHeaders.Mismatch(
                    $"Header mismatch: {header} is '{McpHeaderValue.Quote(sent.Decoded)}' but arguments.{param.Argument} is {Describe(body)}.",
                    $"Send the argument's value in {header}: strings as they are (or as =?base64?…?=), integers in decimal within ±{MaxSafeInteger}, booleans as true or false.");
            }
        }

        return null;
    }

    private static ParamHeader[] HeadersOf(Tool tool) => Annotated.GetValue(tool, static t =>
    {
        var found = new List<ParamHeader>();
        Collect(t.InputSchema, [], found);
        return [.. found];
    });

    private static void Collect(JsonElement schema, string[] path, List<ParamHeader> found)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string[] propertyPath = [.. path, property.Name];
            if (property.Value.TryGetProperty("x-mcp-header", out var header) && header.ValueKind == JsonValueKind.String && header.GetString() is { Length: > 0 } name)
            {
                found.Add(new ParamHeader(name, propertyPath, IsIntegerType(property.Value)));
            }

            Collect(property.Value, propertyPath, found);
        }
    }

    private static bool IsIntegerType(JsonElement schema)
        => schema.TryGetProperty("type", out var type)
            && (type.ValueKind == JsonValueKind.String ? type.ValueEquals("integer")
                : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.ValueEquals("integer")));

    /// <summary>The argument at <paramref name="path"/>, or null when it (or an object on the way) is absent or null.</summary>
    private static JsonNode? Find(JsonNode? arguments, string[] path)
    {
        var node = arguments;
        foreach (var name in path)
        {
            if (node is not JsonObject parent || !parent.TryGetPropertyValue(name, out node))
            {
                return null;
            }
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.Null ? null : node;
    }

    /// <summary>The header text of an argument value; null for values no header can carry (objects, arrays).</summary>
    private static string? HeaderText(JsonNode body) => body is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;

    private static bool Matches(string sent, string expected, bool isInteger)
    {
        if (string.Equals(sent, expected, StringComparison.Ordinal))
        {
            // Identical text still has to be a safe integer where the schema says integer.
            return !isInteger || SafeInteger(expected) is not null;
        }

        // Integers compare by value, so "42" and "42.0" (as some SDKs print them) agree.
        return isInteger && SafeInteger(sent) is { } a && SafeInteger(expected) is { } b && a == b;
    }

    private static decimal? SafeInteger(string text)
        => decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            && decimal.Truncate(value) == value && Math.Abs(value) <= MaxSafeInteger
                ? value
                : null;

    private static string Describe(JsonNode body) => body switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => $"'{McpHeaderValue.Quote(value.GetValue<string>())}'",
        _ => McpHeaderValue.Quote(body.ToJsonString()),
    };
}
