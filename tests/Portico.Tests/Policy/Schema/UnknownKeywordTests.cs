using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Unknown keywords are annotations (JSON Schema 2020-12, section 6.5): a schema that uses them is
/// accepted and its known keywords are still checked. Tool schemas from pydantic, zod and OpenAPI
/// generators carry discriminator, x-* and nullable; refusing them would make those tools unusable.
/// </summary>
public sealed class UnknownKeywordTests
{
    internal const string PydanticPets = """
        {"type": "object", "title": "AdoptArgs", "x-foo": {"anything": [1, {"type": "nonsense"}]},
         "properties": {
           "pet": {"oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
                   "discriminator": {"propertyName": "pet_type", "mapping": {"cat": "#/$defs/Cat", "dog": "#/$defs/Dog"}}},
           "note": {"type": "string", "nullable": true, "x-order": 2, "example": "friendly"}},
         "required": ["pet"],
         "$defs": {
           "Cat": {"type": "object", "properties": {"pet_type": {"const": "cat"}, "meows": {"type": "integer"}}, "required": ["pet_type", "meows"]},
           "Dog": {"type": "object", "properties": {"pet_type": {"const": "dog"}, "barks": {"type": "number"}}, "required": ["pet_type", "barks"]}}}
        """;

    [Fact]
    public void A_pydantic_schema_with_discriminator_and_x_keywords_compiles_and_its_known_keywords_still_apply()
    {
        Assert.Empty(SchemaAssert.Validate(PydanticPets, """{"pet": {"pet_type": "cat", "meows": 3}, "note": "hi"}"""));

        var violation = Assert.Single(SchemaAssert.Validate(PydanticPets, """{"pet": {"pet_type": "cat", "meows": "a lot"}}"""));
        Assert.Equal("pet", violation.Path);
        Assert.Equal("exactly one of 2 schemas (oneOf)", violation.Expected);
        Assert.Contains("meows must be an integer", violation.Message, StringComparison.Ordinal);

        Assert.Equal("note", Assert.Single(SchemaAssert.Validate(PydanticPets, """{"pet": {"pet_type": "dog", "barks": 1}, "note": 5}""")).Path);
    }

    [Fact]
    public void An_unknown_keyword_is_not_compiled_even_when_its_value_looks_like_a_broken_schema()
    {
        const string schema = """{"x-custom": {"type": "nonsense", "$ref": "#/nowhere", "pattern": "("}, "type": "integer"}""";

        Assert.Empty(SchemaAssert.Validate(schema, "1"));
        Assert.Single(SchemaAssert.Validate(schema, "\"one\""));
    }

    [Fact]
    public void Annotation_keywords_ids_and_anchors_are_accepted()
    {
        const string schema = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:portico:test", "$comment": "c",
             "title": "t", "description": "d", "default": 1, "examples": [1], "deprecated": false, "readOnly": false,
             "writeOnly": false, "contentMediaType": "text/plain", "contentEncoding": "base64", "format": "not-a-known-format",
             "properties": {"self": {"$ref": "urn:portico:test#/properties/n"}, "named": {"$ref": "#number"},
                            "n": {"$anchor": "number", "type": "number"}}}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """{"self": 1, "named": 2, "n": 3}"""));
        Assert.Equal(["self", "named"], SchemaAssert.Validate(schema, """{"self": "one", "named": "two"}""").Select(v => v.Path));
    }

    [Fact]
    public void Escaped_pointer_references_resolve()
    {
        const string schema = """
            {"$defs": {"a/b": {"type": "string"}, "c~d": {"type": "integer"}, "e f": {"type": "null"}},
             "prefixItems": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/c~0d"}, {"$ref": "#/$defs/e%20f"}]}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """["x", 1, null]"""));
        Assert.Equal(3, SchemaAssert.Validate(schema, """[1, "x", 0]""").Count);
    }

    [Fact]
    public void Draft_7_tuple_items_and_dependencies_keep_their_old_meaning()
    {
        const string schema = """
            {"type": "object", "properties": {"pair": {"items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false}},
             "dependencies": {"card": ["billing"], "gift": {"required": ["to"]}}}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """{"pair": ["a", 1], "card": 1, "billing": {}, "gift": true, "to": "x"}"""));
        Assert.Equal(
            ["pair", "pair[1]", "billing", "to"],
            SchemaAssert.Validate(schema, """{"pair": ["a", "b", 3], "card": 1, "gift": true}""").Select(v => v.Path));
    }

    [Fact]
    public void Format_is_an_annotation_unless_asserting()
    {
        using var schema = JsonDocument.Parse("""{"format": "email"}""");
        using var notAnEmail = JsonDocument.Parse("\"not an email\"");

        Assert.Empty(JsonSchemaCompiler.Compile(schema.RootElement, assertFormat: false).Validate(notAnEmail.RootElement));
        Assert.Single(JsonSchemaCompiler.Compile(schema.RootElement).Validate(notAnEmail.RootElement));
    }
}
