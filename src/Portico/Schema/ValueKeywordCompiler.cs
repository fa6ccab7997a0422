using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles the assertion keywords that look only at the value itself (type, enum, const, numeric
/// and size bounds, pattern, format, uniqueItems, required). A keyword with an unusable value is
/// reported as an issue and yields no node.
/// </summary>
internal static class ValueKeywordCompiler
{
    private static readonly Dictionary<string, JsonTypes> TypeNames = new(StringComparer.Ordinal)
    {
        ["null"] = JsonTypes.Null,
        ["boolean"] = JsonTypes.Boolean,
        ["object"] = JsonTypes.Object,
        ["array"] = JsonTypes.Array,
        ["number"] = JsonTypes.Number,
        ["string"] = JsonTypes.String,
        ["integer"] = JsonTypes.Integer,
    };

    public static TypeNode? Type(SchemaCompilation compilation, JsonElement value, SchemaLocation at)
    {
        List<JsonElement>? names = value.ValueKind switch
        {
            JsonValueKind.String => [value],
            JsonValueKind.Array => value.EnumerateArray().ToList(),
            _ => null,
        };
        var allowed = JsonTypes.None;
        var accepted = new List<string>();
        foreach (var name in names ?? [])
        {
            if (name.ValueKind != JsonValueKind.String || !TypeNames.TryGetValue(name.GetString()!, out var flag))
            {
                names = null;
                break;
            }

            allowed |= flag;
            accepted.Add(name.GetString()!);
        }

        if (names is null || accepted.Count == 0)
        {
            compilation.Issue(at, "type", "must be a type name or an array of type names");
            return null;
        }

        return new TypeNode(allowed, accepted);
    }

    public static SchemaNode? Compile(SchemaCompilation compilation, string name, JsonElement value, SchemaLocation at)
    {
        switch (name)
        {
            case "const":
                return new ConstNode(value);
            case "enum" when value.ValueKind == JsonValueKind.Array:
                return new EnumNode([.. value.EnumerateArray()]);
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" when value.ValueKind == JsonValueKind.Number:
                return new NumberBoundNode(value, isMinimum: name.Contains("inimum", StringComparison.Ordinal), exclusive: name.StartsWith("exclusive", StringComparison.Ordinal));
            case "multipleOf" when value.ValueKind == JsonValueKind.Number && JsonNumber.From(value) is { IsZero: false, Negative: false }:
                return new MultipleOfNode(value);
            case "minLength" or "maxLength" or "minItems" or "maxItems" or "minProperties" or "maxProperties" when TryCount(value, out var count):
                var kind = name.EndsWith("Length", StringComparison.Ordinal) ? JsonValueKind.String
                    : name.EndsWith("Items", StringComparison.Ordinal) ? JsonValueKind.Array : JsonValueKind.Object;
                return new CountBoundNode(count, name.StartsWith("min", StringComparison.Ordinal), kind);
            case "pattern" when value.ValueKind == JsonValueKind.String:
                var regex = SchemaRegex.TryCreate(value.GetString()!, out var error);
                if (regex is null)
                {
                    compilation.Issue(at, name, error);
                }

                return regex is null ? null : new PatternNode(regex, value.GetString()!);
            case "format" when value.ValueKind == JsonValueKind.String && !compilation.AssertsFormat(at):
                return null;
            case "format" when value.ValueKind == JsonValueKind.String:
                // Formats we do not check are annotations in 2020-12, so they compile to nothing.
                var check = FormatNode.CheckerFor(value.GetString()!);
                return check is null ? null : new FormatNode(value.GetString()!, check);
            case "uniqueItems" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return value.ValueKind == JsonValueKind.True ? new UniqueItemsNode() : null;
            case "required" when StringArray(value) is { } names:
                return new RequiredNode(names);
            case "dependentRequired" when value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(entry => StringArray(entry.Value) is not null):
                return new DependentRequiredNode([.. value.EnumerateObject().Select(entry => (entry.Name, StringArray(entry.Value)!))]);
            default:
                compilation.Issue(at, name, ExpectedValue(name));
                return null;
        }
    }

    private static string ExpectedValue(string name) => name switch
    {
        "enum" => "must be an array",
        "multipleOf" => "must be a number greater than 0",
        "pattern" or "format" => "must be a string",
        "uniqueItems" => "must be a boolean",
        "required" => "must be an array of strings",
        "dependentRequired" => "must be an object whose values are arrays of strings",
        "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => "must be a number",
        _ => "must be a non-negative integer",
    };

    public static string[]? StringArray(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? [.. value.EnumerateArray().Select(v => v.GetString()!)]
            : null;

    /// <summary>A non-negative integer keyword (minContains, maxContains), or null after reporting it.</summary>
    public static long? Count(SchemaCompilation compilation, JsonElement value, SchemaLocation at, string name)
    {
        if (TryCount(value, out var count))
        {
            return count;
        }

        compilation.Issue(at, name, ExpectedValue(name));
        return null;
    }

    private static bool TryCount(JsonElement value, out long count)
    {
        count = 0;
        if (value.ValueKind != JsonValueKind.Number || JsonNumber.From(value) is not { IsInteger: true, Negative: false } number)
        {
            return false;
        }

        // Counts beyond long range cannot be reached by any instance, so clamping keeps the meaning.
        count = number.IsZero ? 0
            : number.Digits.Length + number.Exponent > 18 ? long.MaxValue
            : long.Parse(number.Digits, System.Globalization.CultureInfo.InvariantCulture) * (long)Math.Pow(10, number.Exponent);
        return true;
    }
}
