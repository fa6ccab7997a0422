using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// The keywords added for full 2020-12 report violations in the same path/expected/received shape
/// as the rest, phrased so a model knows what to change. (Correctness is the suite's job: see
/// <see cref="JsonSchemaTestSuiteTests"/>.)
/// </summary>
public sealed class Draft202012KeywordTests
{
    // The conformance suite's json_schema_2020_12_tool schema: allOf/anyOf, if/then/else, $anchor.
    private const string Contact = """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "$defs": {"address": {"$anchor": "addressDef", "type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
         "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                        "contactMethod": {"type": "string", "enum": ["phone", "email"]}, "phone": {"type": "string"}, "email": {"type": "string"}},
         "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
         "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
         "then": {"required": ["phone"]}, "else": {"required": ["email"]},
         "additionalProperties": false}
        """;

    [Fact]
    public void If_then_else_reports_the_branch_that_applies()
    {
        Assert.Empty(SchemaAssert.Validate(Contact, """{"contactMethod": "phone", "phone": "123"}"""));
        Assert.Empty(SchemaAssert.Validate(Contact, """{"email": "a@b.c"}"""));

        var violations = SchemaAssert.Validate(Contact, """{"contactMethod": "phone", "email": "a@b.c"}""");

        var violation = Assert.Single(violations);
        Assert.Equal(new SchemaViolation("phone", "required property", "missing", "phone is required but missing."), violation);
    }

    [Fact]
    public void Contains_counts_matching_items()
    {
        const string schema = """{"contains": {"type": "integer"}, "minContains": 2, "maxContains": 3}""";

        Assert.Empty(SchemaAssert.Validate(schema, """["a", 1, 2]"""));
        var violation = Assert.Single(SchemaAssert.Validate(schema, """["a", 1]"""));
        Assert.Equal(("", "2 to 3 matching items (contains)", "1 matching item"), (violation.Path, violation.Expected, violation.Received));
        Assert.Equal("The input must contain 2 to 3 matching items (items that match the 'contains' schema), got 1 matching item.", violation.Message);
    }

    [Fact]
    public void Dependent_required_names_the_missing_property_and_why()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"dependentRequired": {"card": ["billing"]}}""", """{"card": 1}"""));

        Assert.Equal("billing", violation.Path);
        Assert.Equal("billing is required when \"card\" is present, but missing.", violation.Message);
    }

    [Fact]
    public void Property_names_are_reported_at_the_property_with_its_name()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"propertyNames": {"pattern": "^[a-z]+$"}}""", """{"ok": 1, "Bad": 2}"""));

        Assert.Equal(("Bad", "property name \"Bad\""), (violation.Path, violation.Received));
    }

    [Fact]
    public void Unevaluated_properties_false_sees_properties_declared_in_subschemas()
    {
        const string schema = """
            {"allOf": [{"properties": {"a": true}}], "anyOf": [{"properties": {"b": true}}, {"required": ["zzz"]}],
             "if": {"properties": {"c": {"const": 1}}}, "then": {"properties": {"d": true}},
             "unevaluatedProperties": false}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """{"a": 1, "b": 2, "c": 1, "d": 3}"""));

        // When "if" fails, what it evaluated does not count (and "then" does not apply).
        var violations = SchemaAssert.Validate(schema, """{"a": 1, "c": 2, "d": 3}""");
        Assert.Equal([("c", "no unevaluated properties"), ("d", "no unevaluated properties")], violations.Select(v => (v.Path, v.Expected)));
    }

    [Fact]
    public void Unevaluated_items_false_reports_each_extra_item()
    {
        var violations = SchemaAssert.Validate("""{"prefixItems": [{"type": "string"}], "unevaluatedItems": false}""", """["a", 1, 2]""");

        Assert.Equal(["[1]", "[2]"], violations.Select(v => v.Path));
    }

    [Fact]
    public void A_relative_root_id_and_references_through_it_resolve()
    {
        const string schema = """
            {"$id": "tool.json", "$defs": {"name": {"type": "string"}},
             "properties": {"a": {"$ref": "tool.json#/$defs/name"}, "b": {"$id": "nested/b.json", "$ref": "../tool.json#/$defs/name"}}}
            """;

        Assert.Empty(SchemaAssert.Validate(schema, """{"a": "x", "b": "y"}"""));
        Assert.Equal(["a", "b"], SchemaAssert.Validate(schema, """{"a": 1, "b": 2}""").Select(v => v.Path));
    }

    [Fact]
    public void Annotation_tracking_is_decided_at_compile_time()
    {
        Assert.False(SchemaAssert.Compile(Contact).TracksAnnotations);
        Assert.False(SchemaAssert.Compile(UnknownKeywordTests.PydanticPets).TracksAnnotations);
        Assert.True(SchemaAssert.Compile("""{"properties": {"a": {"unevaluatedItems": false}}}""").TracksAnnotations);
    }

    [Fact]
    public void Dynamic_references_resolve_to_the_outermost_anchor_in_scope()
    {
        // A generic list whose items schema is chosen by the schema that uses it.
        const string schema = """
            {"$id": "https://example.com/strings", "$ref": "list", "$defs": {
               "item": {"$dynamicAnchor": "item", "type": "string"},
               "list": {"$id": "list", "type": "array", "items": {"$dynamicRef": "#item"},
                        "$defs": {"default": {"$dynamicAnchor": "item"}}}}}
            """;
        const string list = """
            {"$id": "https://example.com/list", "type": "array", "items": {"$dynamicRef": "#item"},
             "$defs": {"default": {"$dynamicAnchor": "item"}}}
            """;

        // Through "strings", its anchor is outermost in the dynamic scope, so items must be strings ...
        Assert.Empty(SchemaAssert.Validate(schema, """["a"]"""));
        Assert.Equal("[0]", Assert.Single(SchemaAssert.Validate(schema, "[1]")).Path);

        // ... while the list on its own takes anything.
        Assert.Empty(SchemaAssert.Validate(list, "[1]"));
    }
}
