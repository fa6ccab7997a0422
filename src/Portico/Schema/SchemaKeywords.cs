namespace Portico.Schema;

/// <summary>
/// Which vocabulary each evaluated keyword belongs to. A keyword not listed here (title, x-foo,
/// pydantic's discriminator, anything from a later draft) is an annotation: it never constrains a
/// value, so a schema that uses it is still accepted and its known keywords still checked.
/// </summary>
internal static class SchemaKeywords
{
    public const string Applicator = "https://json-schema.org/draft/2020-12/vocab/applicator";
    public const string Unevaluated = "https://json-schema.org/draft/2020-12/vocab/unevaluated";
    public const string Validation = "https://json-schema.org/draft/2020-12/vocab/validation";
    public const string FormatAnnotation = "https://json-schema.org/draft/2020-12/vocab/format-annotation";
    public const string FormatAssertion = "https://json-schema.org/draft/2020-12/vocab/format-assertion";

    /// <summary>The vocabularies this validator knows, by URI; a meta-schema may require only these.</summary>
    public static readonly Dictionary<string, SchemaVocabularies> Known = new(StringComparer.Ordinal)
    {
        ["https://json-schema.org/draft/2020-12/vocab/core"] = SchemaVocabularies.None,
        [Applicator] = SchemaVocabularies.Applicator,
        [Unevaluated] = SchemaVocabularies.Unevaluated,
        [Validation] = SchemaVocabularies.Validation,
        [FormatAnnotation] = SchemaVocabularies.Format,
        [FormatAssertion] = SchemaVocabularies.Format | SchemaVocabularies.FormatAssertion,
        ["https://json-schema.org/draft/2020-12/vocab/meta-data"] = SchemaVocabularies.None,
        ["https://json-schema.org/draft/2020-12/vocab/content"] = SchemaVocabularies.None,
    };

    private static readonly Dictionary<string, SchemaVocabularies> ByKeyword = new(StringComparer.Ordinal)
    {
        ["allOf"] = SchemaVocabularies.Applicator,
        ["anyOf"] = SchemaVocabularies.Applicator,
        ["oneOf"] = SchemaVocabularies.Applicator,
        ["not"] = SchemaVocabularies.Applicator,
        ["if"] = SchemaVocabularies.Applicator,
        ["then"] = SchemaVocabularies.Applicator,
        ["else"] = SchemaVocabularies.Applicator,
        ["dependentSchemas"] = SchemaVocabularies.Applicator,
        ["prefixItems"] = SchemaVocabularies.Applicator,
        ["items"] = SchemaVocabularies.Applicator,
        ["additionalItems"] = SchemaVocabularies.Applicator,
        ["contains"] = SchemaVocabularies.Applicator,
        ["properties"] = SchemaVocabularies.Applicator,
        ["patternProperties"] = SchemaVocabularies.Applicator,
        ["additionalProperties"] = SchemaVocabularies.Applicator,
        ["propertyNames"] = SchemaVocabularies.Applicator,
        ["dependencies"] = SchemaVocabularies.Applicator,
        ["unevaluatedItems"] = SchemaVocabularies.Unevaluated,
        ["unevaluatedProperties"] = SchemaVocabularies.Unevaluated,
        ["type"] = SchemaVocabularies.Validation,
        ["enum"] = SchemaVocabularies.Validation,
        ["const"] = SchemaVocabularies.Validation,
        ["multipleOf"] = SchemaVocabularies.Validation,
        ["maximum"] = SchemaVocabularies.Validation,
        ["exclusiveMaximum"] = SchemaVocabularies.Validation,
        ["minimum"] = SchemaVocabularies.Validation,
        ["exclusiveMinimum"] = SchemaVocabularies.Validation,
        ["maxLength"] = SchemaVocabularies.Validation,
        ["minLength"] = SchemaVocabularies.Validation,
        ["pattern"] = SchemaVocabularies.Validation,
        ["maxItems"] = SchemaVocabularies.Validation,
        ["minItems"] = SchemaVocabularies.Validation,
        ["uniqueItems"] = SchemaVocabularies.Validation,
        ["maxContains"] = SchemaVocabularies.Validation,
        ["minContains"] = SchemaVocabularies.Validation,
        ["maxProperties"] = SchemaVocabularies.Validation,
        ["minProperties"] = SchemaVocabularies.Validation,
        ["required"] = SchemaVocabularies.Validation,
        ["dependentRequired"] = SchemaVocabularies.Validation,
        ["format"] = SchemaVocabularies.Format,
    };

    /// <summary>True when <paramref name="keyword"/> is evaluated under the given vocabularies.</summary>
    public static bool IsEvaluated(string keyword, SchemaVocabularies enabled) =>
        ByKeyword.TryGetValue(keyword, out var vocabulary) && (enabled & vocabulary) == vocabulary;

    /// <summary>Keywords whose value is one subschema (walked for <c>$id</c>/<c>$anchor</c>).</summary>
    public static bool HoldsSchema(string keyword) => keyword is "additionalProperties" or "items" or "additionalItems"
        or "contains" or "propertyNames" or "if" or "then" or "else" or "not" or "unevaluatedItems" or "unevaluatedProperties";

    /// <summary>Keywords whose value is an array of subschemas.</summary>
    public static bool HoldsSchemaArray(string keyword) => keyword is "allOf" or "anyOf" or "oneOf" or "prefixItems" or "items";

    /// <summary>Keywords whose value is an object of subschemas.</summary>
    public static bool HoldsSchemaMap(string keyword) => keyword is "$defs" or "definitions" or "properties" or "patternProperties"
        or "dependentSchemas" or "dependencies";
}
