using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>The entity tools' argument checks: each returns null when the value is usable, or the <c>VALIDATION_FAILED</c> result.</summary>
internal static class EntityArguments
{
    public const int MaxBulkItems = 1000;

    /// <summary>
    /// An entity id: 24 hex characters (an OctoObjectId, e.g. 507f1f77bcf86cd799439011), refused with the seed's
    /// "Invalid OctoObjectId" message. Upper-case hex is accepted and read as lower case, the form ids are stored in.
    /// </summary>
    public static CallToolResult? Id(ToolInvocation invocation, JsonElement source, string name, string path, out string id)
    {
        id = "";
        var present = source.TryGetProperty(name, out var value);
        var text = present && value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text is not { Length: 24 } || !text.All(char.IsAsciiHexDigit))
        {
            var shown = text is null ? RecordArguments.Describe(value, present) : $"'{(text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…"))}'";
            return ToolError.Result("VALIDATION_FAILED",
                $"Invalid OctoObjectId {shown} at '{path}': an entity id is a 24-character hex string (0-9, a-f).",
                "Pass the id exactly as create_entity or query_entities returned it, e.g. 507f1f77bcf86cd799439011.",
                invocation.Call.RequestId,
                new JsonObject { ["path"] = path, ["expected"] = "an OctoObjectId: 24 hex characters", ["received"] = RecordArguments.Describe(value, present) });
        }

        id = text.ToLowerInvariant();
        return null;
    }

    /// <summary>The attributes: a JSON object of at most <see cref="RecordArguments.MaxDataBytes"/>, as text.</summary>
    public static CallToolResult? Attributes(ToolInvocation invocation, JsonElement source, string path, out JsonElement attributes)
    {
        attributes = default;
        var present = source.TryGetProperty("attributes", out var value);
        if (!present || value.ValueKind != JsonValueKind.Object)
        {
            return RecordArguments.Invalid(invocation, path, "a JSON object of attributes", RecordArguments.Describe(value, present),
                "Pass the entity's attributes as an object that matches its model's schema (list_models shows it).");
        }

        var bytes = System.Text.Encoding.UTF8.GetByteCount(value.GetRawText());
        if (bytes > RecordArguments.MaxDataBytes)
        {
            return RecordArguments.Invalid(invocation, path, $"a JSON object of at most {RecordArguments.MaxDataBytes} bytes", $"{bytes} bytes",
                "Store large content as a file and keep a reference in the entity.");
        }

        if (NulCharacter.IsIn(value))
        {
            return RecordArguments.Invalid(invocation, path, "a JSON object without NUL characters", "a value containing \\u0000", NulCharacter.Hint);
        }

        attributes = value;
        return null;
    }

    /// <summary>The optional <c>expected_version</c> of an update (a whole number from 1).</summary>
    public static CallToolResult? ExpectedVersion(ToolInvocation invocation, JsonElement source, string path, out int? version)
    {
        version = null;
        if (!source.TryGetProperty("expected_version", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var parsed) || parsed < 1)
        {
            return RecordArguments.Invalid(invocation, path, "an integer >= 1 (the version get_entity returned)", RecordArguments.Describe(value, present: true),
                "Pass the version you read, e.g. expected_version: 3; leave it out to overwrite whatever version is there.");
        }

        version = parsed;
        return null;
    }

    /// <summary>An array of 1-<see cref="MaxBulkItems"/> objects.</summary>
    public static CallToolResult? Items(ToolInvocation invocation, string example, out JsonElement items)
    {
        var present = invocation.Arguments.TryGetProperty("items", out items);
        if (!present || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() is 0 or > MaxBulkItems)
        {
            return RecordArguments.Invalid(invocation, "items", $"an array of 1-{MaxBulkItems} items", RecordArguments.Describe(items, present),
                $"Pass items: [{example}, …]; split larger batches into calls of {MaxBulkItems.ToString(CultureInfo.InvariantCulture)}.");
        }

        foreach (var (item, index) in items.EnumerateArray().Select((item, index) => (item, index)))
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return RecordArguments.Invalid(invocation, string.Create(CultureInfo.InvariantCulture, $"items[{index}]"), "an object", RecordArguments.Describe(item, present: true), $"Each item is {example}.");
            }
        }

        return null;
    }
}
