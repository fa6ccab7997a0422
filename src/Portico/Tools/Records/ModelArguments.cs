using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Schema;

namespace Portico.Tools.Records;

/// <summary>The model tools' argument checks: each returns null when the value is usable, or the <c>VALIDATION_FAILED</c> result.</summary>
internal static class ModelArguments
{
    public const int MaxSchemaBytes = 64 * 1024;
    public const int MaxIndexes = 8;
    public const int MaxDisplayColumns = 12;
    public const string SchemaDialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>A model id (Name-Version); refused with the seed's "Invalid CkTypeId" message and a hint.</summary>
    public static CallToolResult? Id(ToolInvocation invocation, string name, out ModelId id)
    {
        id = default;
        var present = invocation.Arguments.TryGetProperty(name, out var value);
        if (!present || value.ValueKind != JsonValueKind.String)
        {
            return RecordArguments.Invalid(invocation, name, "a model id, Name-Version (e.g. \"Basic.Contact-1\")", RecordArguments.Describe(value, present),
                "Pass the model's id as list_models shows it, e.g. \"Basic.Contact-1\".");
        }

        var text = value.GetString()!;
        if (!ModelId.TryParse(text, out id, out var problem))
        {
            var shown = text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 120), "…");
            return ToolError.Result("VALIDATION_FAILED", $"Invalid CkTypeId '{shown}': {problem}.",
                "A model id is Name-Version with a whole-number version: \"MyType-1\" is valid, \"MyType-1.0.0\" is not. A changed schema is the next version, \"MyType-2\".",
                invocation.Call.RequestId,
                new JsonObject { ["path"] = name, ["expected"] = "Name-Version, e.g. \"MyType-1\"", ["received"] = RecordArguments.Describe(value, present: true) });
        }

        return null;
    }

    /// <summary>The definition of <paramref name="id"/> from the <c>schema</c>, <c>display</c> and <c>indexes</c> arguments.</summary>
    public static CallToolResult? Definition(ToolInvocation invocation, ModelId id, out ModelDefinition definition)
    {
        definition = null!;
        if (Schema(invocation, out var schema) is { } invalidSchema)
        {
            return invalidSchema;
        }

        if (Display(invocation, out var display) is { } invalidDisplay)
        {
            return invalidDisplay;
        }

        if (Indexes(invocation, out var indexes) is { } invalidIndexes)
        {
            return invalidIndexes;
        }

        if (Publishable(invocation, out var publishable) is { } invalidPublishable)
        {
            return invalidPublishable;
        }

        definition = new ModelDefinition(id, schema, display, indexes, publishable);
        return null;
    }

    private static CallToolResult? Schema(ToolInvocation invocation, out string schema)
    {
        schema = "";
        var present = invocation.Arguments.TryGetProperty("schema", out var value);
        if (!present || value.ValueKind != JsonValueKind.Object)
        {
            return RecordArguments.Invalid(invocation, "schema", "a JSON Schema object", RecordArguments.Describe(value, present),
                "Pass the attributes' schema, e.g. {\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}}, \"required\": [\"name\"]}.");
        }

        var text = value.GetRawText();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxSchemaBytes)
        {
            return RecordArguments.Invalid(invocation, "schema", $"a schema of at most {MaxSchemaBytes} bytes", $"{bytes} bytes", "Keep a model's schema small; split very large types into several models.");
        }

        if (value.TryGetProperty("$schema", out var dialect) && (dialect.ValueKind != JsonValueKind.String || dialect.GetString() != SchemaDialect))
        {
            return RecordArguments.Invalid(invocation, "schema.$schema", $"\"{SchemaDialect}\" or no $schema", RecordArguments.Describe(dialect, present: true),
                "Models use JSON Schema draft 2020-12: leave $schema out or set it to that dialect.");
        }

        if (!value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            return RecordArguments.Invalid(invocation, "schema.type", "\"object\" (an entity's attributes are an object)", RecordArguments.Describe(type, value.TryGetProperty("type", out _)),
                "Start the schema with \"type\": \"object\" and describe each attribute under \"properties\".");
        }

        try
        {
            JsonSchemaCompiler.Compile(value);
        }
        catch (UnsupportedSchemaException ex)
        {
            var first = ex.Issues[0];
            return ToolError.Result("VALIDATION_FAILED", $"Invalid argument 'schema': {ex.Message}.",
                "Fix the keyword at each pointer (they are relative to the schema); references must stay inside the schema — Portico loads no remote schema.",
                invocation.Call.RequestId,
                new JsonObject
                {
                    ["path"] = "schema" + (first.Pointer.Length > 0 ? first.Pointer.Replace('/', '.') : ""),
                    ["expected"] = "a valid JSON Schema (2020-12)",
                    ["received"] = first.ToString(),
                    ["issues"] = new JsonArray([.. ex.Issues.Select(i => (JsonNode)JsonValue.Create(i.ToString()))]),
                });
        }

        schema = text;
        return null;
    }

    private static CallToolResult? Display(ToolInvocation invocation, out string? display)
    {
        display = null;
        if (!invocation.Arguments.TryGetProperty("display", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        const string Hint = "Display hints are {\"title\": \"name\", \"columns\": [\"name\", \"email\"]}: attribute paths to show an entity by.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            return RecordArguments.Invalid(invocation, "display", "an object with 'title' and/or 'columns'", RecordArguments.Describe(value, present: true), Hint);
        }

        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "title" when property.Value.ValueKind == JsonValueKind.String && AttributePath.IsValid(property.Value.GetString()):
                    break;
                case "title":
                    return RecordArguments.Invalid(invocation, "display.title", "an attribute path: " + AttributePath.Grammar, RecordArguments.Describe(property.Value, present: true), Hint);
                case "columns":
                    if (Paths(invocation, property.Value, "display.columns", MaxDisplayColumns, Hint, out _) is { } invalid)
                    {
                        return invalid;
                    }

                    break;
                default:
                    return RecordArguments.Invalid(invocation, $"display.{property.Name}", "only 'title' and 'columns'", "an unknown property", Hint);
            }
        }

        display = value.GetRawText();
        return null;
    }

    private static CallToolResult? Publishable(ToolInvocation invocation, out bool publishable)
    {
        publishable = false;
        if (!invocation.Arguments.TryGetProperty("publishable", out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return RecordArguments.Invalid(invocation, "publishable", "a boolean", RecordArguments.Describe(value, present: true),
                "Pass publishable: true for content whose entities are published on a schedule (publishAt/unpublishAt); leave it out otherwise.");
        }

        publishable = value.ValueKind == JsonValueKind.True;
        return null;
    }

    private static CallToolResult? Indexes(ToolInvocation invocation, out IReadOnlyList<string> indexes)
    {
        indexes = [];
        if (!invocation.Arguments.TryGetProperty("indexes", out var value))
        {
            return null;
        }

        return Paths(invocation, value, "indexes", MaxIndexes, "Name the attributes queries filter or sort by most, e.g. [\"email\", \"address.city\"].", out indexes);
    }

    private static CallToolResult? Paths(ToolInvocation invocation, JsonElement value, string path, int maximum, string hint, out IReadOnlyList<string> paths)
    {
        paths = [];
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maximum)
        {
            return RecordArguments.Invalid(invocation, path, $"an array of at most {maximum} attribute paths", RecordArguments.Describe(value, present: true), hint);
        }

        var list = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]");
            if (item.ValueKind != JsonValueKind.String || !AttributePath.IsValid(item.GetString()))
            {
                return RecordArguments.Invalid(invocation, at, "an attribute path: " + AttributePath.Grammar, RecordArguments.Describe(item, present: true), hint);
            }

            if (list.Contains(item.GetString()!, StringComparer.Ordinal))
            {
                return RecordArguments.Invalid(invocation, at, "a path not listed before", RecordArguments.Describe(item, present: true), "List each attribute path once.");
            }

            list.Add(item.GetString()!);
        }

        paths = list;
        return null;
    }
}
