using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Records;

/// <summary>
/// The records tools' own argument checks: each returns null when the value is usable, or the
/// <c>VALIDATION_FAILED</c> result naming the path, what was expected and what was received.
/// </summary>
internal static class RecordArguments
{
    public const int MaxCollectionLength = 64;
    public const int MaxDataBytes = 64 * 1024;
    public const int MaxIdempotencyKeyLength = 128;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
    public const int MaxBulkItems = 100;

    public static CallToolResult? Id(ToolInvocation invocation, out string id)
    {
        id = "";
        var present = invocation.Arguments.TryGetProperty("id", out var value);
        if (!present || value.ValueKind != JsonValueKind.String || !Ids.IsWellFormed(value.GetString()))
        {
            return Invalid(invocation, "id", "a record id: 24 lowercase hex characters", Describe(value, present),
                "Pass the id of a record as returned by create-record or list-records.");
        }

        id = value.GetString()!;
        return null;
    }

    public static CallToolResult? Collection(ToolInvocation invocation, JsonElement source, string name, string path, bool required, out string? collection)
    {
        collection = null;
        var present = source.TryGetProperty(name, out var value);
        if (!present && !required)
        {
            return null;
        }

        if (!present || value.ValueKind != JsonValueKind.String || !IsCollectionName(value.GetString()!))
        {
            return Invalid(invocation, path, $"a collection name: 1-{MaxCollectionLength} characters of A-Z, a-z, 0-9, '_', '-', '.'", Describe(value, present),
                "Name the collection like \"notes\" or \"crm.contacts\".");
        }

        collection = value.GetString();
        return null;
    }

    /// <summary>A JSON object of at most <see cref="MaxDataBytes"/>; returned as its JSON text.</summary>
    public static CallToolResult? Data(ToolInvocation invocation, JsonElement source, string path, out string data)
    {
        data = "";
        var present = source.TryGetProperty("data", out var value);
        if (!present || value.ValueKind != JsonValueKind.Object)
        {
            return Invalid(invocation, path, "a JSON object", Describe(value, present), "Pass the record's fields as an object, e.g. {\"title\": \"Call Ann\"}.");
        }

        var text = value.GetRawText();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxDataBytes)
        {
            return Invalid(invocation, path, $"a JSON object of at most {MaxDataBytes} bytes", $"{bytes} bytes",
                "Store large content elsewhere (files) and keep a reference in the record.");
        }

        if (NulCharacter.IsIn(value))
        {
            return Invalid(invocation, path, "a JSON object without NUL characters", "a value containing \\u0000", NulCharacter.Hint);
        }

        data = text;
        return null;
    }

    /// <summary>An optional integer within [<paramref name="minimum"/>, <paramref name="maximum"/>]; null when absent.</summary>
    public static CallToolResult? Integer(ToolInvocation invocation, string name, int minimum, int maximum, out int? number)
    {
        number = null;
        if (!invocation.Arguments.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var parsed) || parsed < minimum || parsed > maximum)
        {
            var range = maximum == int.MaxValue ? $"an integer >= {minimum}" : $"an integer from {minimum} to {maximum}";
            return Invalid(invocation, name, range, Describe(value, present: true), $"Pass {name} as a whole number, e.g. {minimum}.");
        }

        number = parsed;
        return null;
    }

    public static CallToolResult? IdempotencyKey(ToolInvocation invocation, out string? key)
    {
        key = null;
        if (!invocation.Arguments.TryGetProperty("idempotencyKey", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= MaxIdempotencyKeyLength } text)
        {
            return Invalid(invocation, "idempotencyKey", $"a string of 1-{MaxIdempotencyKeyLength} characters", Describe(value, present: true),
                "Use one unique key (e.g. a UUID) per record you mean to create, and the same key when retrying that create.");
        }

        key = text;
        return null;
    }

    public static CallToolResult? Cursor(ToolInvocation invocation, out RecordCursor? cursor)
    {
        cursor = null;
        if (!invocation.Arguments.TryGetProperty("cursor", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !RecordCursor.TryParse(value.GetString()!, out var parsed))
        {
            return Invalid(invocation, "cursor", "the nextCursor of a previous list-records result", Describe(value, present: true),
                "Pass nextCursor exactly as list-records returned it, or leave cursor out to start from the newest record.");
        }

        cursor = parsed;
        return null;
    }

    /// <summary>The value <c>true</c> confirms; absent or <c>false</c> does not; anything else is invalid.</summary>
    public static CallToolResult? Confirm(ToolInvocation invocation, out bool confirmed)
    {
        confirmed = false;
        if (!invocation.Arguments.TryGetProperty("confirm", out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Invalid(invocation, "confirm", "a boolean", Describe(value, present: true), "Pass confirm: true to delete.");
        }

        confirmed = value.ValueKind == JsonValueKind.True;
        return null;
    }

    public static CallToolResult Invalid(ToolInvocation invocation, string path, string expected, string received, string hint)
        => ToolError.Result("VALIDATION_FAILED", $"Invalid argument '{path}': expected {expected}, received {received}.", hint, invocation.Call.RequestId,
            new JsonObject { ["path"] = path, ["expected"] = expected, ["received"] = received });

    /// <summary>What was received, short enough for an error: "missing", the JSON kind, or a short value.</summary>
    public static string Describe(JsonElement value, bool present) => !present ? "missing" : value.ValueKind switch
    {
        JsonValueKind.String when value.GetString()!.Length <= 40 => $"string \"{value.GetString()}\"",
        JsonValueKind.String => $"string of {value.GetString()!.Length} characters",
        JsonValueKind.Number => value.GetRawText().Length <= 40 ? value.GetRawText() : "number",
        JsonValueKind.True or JsonValueKind.False => value.ValueKind.ToString().ToLowerInvariant(),
        JsonValueKind.Array => string.Create(CultureInfo.InvariantCulture, $"array of {value.GetArrayLength()} items"),
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static bool IsCollectionName(string name)
        => name.Length is > 0 and <= MaxCollectionLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
