namespace Portico.Tests.Policy.Schema;

/// <summary>Keywords the validator does not implement are refused by pointer, never ignored.</summary>
public sealed class UnsupportedKeywordTests
{
    [Fact]
    public void Every_unsupported_keyword_is_named_with_its_pointer()
    {
        var error = SchemaAssert.CompileFails("""{"properties": {"a": {"if": {"type": "string"}}}, "dependentSchemas": {}}""");

        Assert.Equal("Unsupported JSON Schema keywords: '/properties/a/if' (if), '/dependentSchemas' (dependentSchemas)", error.Message);
        Assert.Equal(["/properties/a/if", "/dependentSchemas"], error.Issues.Select(issue => issue.Pointer));
    }

    [Theory]
    [InlineData("""{"unevaluatedProperties": false}""", "/unevaluatedProperties")]
    [InlineData("""{"$dynamicRef": "#meta"}""", "/$dynamicRef")]
    [InlineData("""{"$anchor": "x"}""", "/$anchor")]
    [InlineData("""{"contains": {"type": "string"}}""", "/contains")]
    [InlineData("""{"propertyNames": {"maxLength": 3}}""", "/propertyNames")]
    [InlineData("""{"x-custom": true}""", "/x-custom")]
    [InlineData("""{"$defs": {"unused": {"then": {}}}}""", "/$defs/unused/then")]
    [InlineData("""{"properties": {"a/b": {"else": {}}}}""", "/properties/a~1b/else")]
    [InlineData("""{"items": {"$id": "http://example.com/nested"}}""", "/items/$id")]
    [InlineData("""{"$ref": "https://example.com/schema.json"}""", "/$ref")]
    [InlineData("""{"$ref": "#anchor"}""", "/$ref")]
    [InlineData("""{"$ref": "#/$defs/missing"}""", "/$ref")]
    [InlineData("""{"items": [{"type": "string"}]}""", "/items")]
    [InlineData("""{"pattern": "(unclosed"}""", "/pattern")]
    [InlineData("""{"minLength": -1}""", "/minLength")]
    [InlineData("""{"type": "text"}""", "/type")]
    [InlineData("""{"type": []}""", "/type")]
    [InlineData("""{"$id": 5}""", "/$id")]
    [InlineData("""{"properties": {"a": 5}}""", "/properties/a")]
    [InlineData("""{"anyOf": []}""", "/anyOf")]
    [InlineData("""{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}}""", "/$defs/a/$ref")]
    public void Unsupported_or_unusable_keywords_are_reported_at_their_pointer(string schema, string keywordPointer)
    {
        var error = SchemaAssert.CompileFails(schema);

        Assert.Contains(keywordPointer, error.Issues.Select(issue => issue.Pointer));
        Assert.Contains($"'{keywordPointer}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotation_keywords_and_a_root_id_are_accepted()
    {
        const string schema = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:portico:test", "$comment": "c",
             "title": "t", "description": "d", "default": 1, "examples": [1], "deprecated": false, "readOnly": false,
             "writeOnly": false, "contentMediaType": "text/plain", "contentEncoding": "base64", "format": "hostname",
             "properties": {"self": {"$ref": "urn:portico:test#/properties/n"}, "n": {"type": "number"}}}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """{"self": 1, "n": 2}"""));
        Assert.Single(SchemaAssert.Validate(schema, """{"self": "one"}"""));
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
}
