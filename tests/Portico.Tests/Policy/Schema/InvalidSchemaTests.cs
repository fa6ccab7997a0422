namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Only a schema that is really unusable is refused, and the error says what is wrong and where
/// (the JSON pointer of the keyword), all problems at once.
/// </summary>
public sealed class InvalidSchemaTests
{
    [Fact]
    public void Every_problem_is_named_with_its_pointer_in_one_error()
    {
        var error = SchemaAssert.CompileFails("""{"properties": {"a": {"$ref": "#/$defs/missing"}}, "minLength": -1}""");

        Assert.Equal(
            "Invalid JSON Schema: '/minLength' (minLength: must be a non-negative integer), "
            + "'/properties/a/$ref' ($ref: target '#/$defs/missing' does not exist in this schema)",
            error.Message);
        Assert.Equal(["/minLength", "/properties/a/$ref"], error.Issues.Select(issue => issue.Pointer));
    }

    [Theory]
    [InlineData("""{"$ref": "#/$defs/missing"}""", "/$ref", "does not exist")]
    [InlineData("""{"$ref": "#nowhere"}""", "/$ref", "no $anchor or $dynamicAnchor")]
    [InlineData("""{"$dynamicRef": "#meta"}""", "/$dynamicRef", "no $anchor or $dynamicAnchor")]
    [InlineData("""{"$ref": "https://example.com/schema.json"}""", "/$ref", "never fetches remote schemas")]
    [InlineData("""{"$id": "urn:example:root", "items": {"$ref": "other.json"}}""", "/items/$ref", "is not a URI reference that resolves")]
    [InlineData("""{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}}""", "/$defs/a/$ref", "circular reference")]
    [InlineData("""{"$ref": "#"}""", "/$ref", "circular reference")]
    [InlineData("""{"$dynamicAnchor": "loop", "allOf": [{"$dynamicRef": "#loop"}]}""", "/allOf/0/$dynamicRef", "circular reference")]
    [InlineData("""{"pattern": "(unclosed"}""", "/pattern", "invalid regular expression")]
    [InlineData("""{"patternProperties": {"[": {}}}""", "/patternProperties/[", "invalid regular expression")]
    [InlineData("""{"minLength": -1}""", "/minLength", "non-negative integer")]
    [InlineData("""{"minContains": 1.5, "contains": {}}""", "/minContains", "non-negative integer")]
    [InlineData("""{"type": "text"}""", "/type", "type name")]
    [InlineData("""{"type": []}""", "/type", "type name")]
    [InlineData("""{"$id": 5}""", "/$id", "must be a string")]
    [InlineData("""{"$id": "http://example.com/a#frag"}""", "/$id", "without a fragment")]
    [InlineData("""{"$anchor": "1bad"}""", "/$anchor", "must be a name")]
    [InlineData("""{"$defs": {"a": {"$anchor": "x"}, "b": {"$anchor": "x"}}}""", "/$defs/b/$anchor", "defined twice")]
    [InlineData("""{"properties": {"a": 5}}""", "/properties/a", "object or a boolean")]
    [InlineData("""{"anyOf": []}""", "/anyOf", "non-empty array")]
    [InlineData("""{"dependentRequired": {"a": [1]}}""", "/dependentRequired", "arrays of strings")]
    [InlineData("""{"$defs": {"unused": {"maxItems": "3"}}}""", "/$defs/unused/maxItems", "non-negative integer")]
    public void Invalid_schemas_are_reported_at_their_pointer(string schema, string keywordPointer, string reason)
    {
        var error = SchemaAssert.CompileFails(schema);

        var issue = Assert.Single(error.Issues, issue => issue.Pointer == keywordPointer);
        Assert.Contains(reason, issue.ToString(), StringComparison.Ordinal);
        Assert.Contains($"'{keywordPointer}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_required_vocabulary_portico_does_not_know_is_refused_rather_than_guessed()
    {
        using var meta = System.Text.Json.JsonDocument.Parse("""
            {"$id": "https://example.com/meta", "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true, "https://example.com/vocab/units": true}}
            """);
        using var schema = System.Text.Json.JsonDocument.Parse("""{"$schema": "https://example.com/meta", "type": "number"}""");
        var documents = new Dictionary<string, System.Text.Json.JsonElement> { ["https://example.com/meta"] = meta.RootElement };

        var error = Assert.Throws<Portico.Schema.UnsupportedSchemaException>(() => Portico.Schema.JsonSchemaCompiler.Compile(schema.RootElement, documents));

        Assert.Contains("'/$schema'", error.Message, StringComparison.Ordinal);
        Assert.Contains("https://example.com/vocab/units", error.Message, StringComparison.Ordinal);
    }
}
