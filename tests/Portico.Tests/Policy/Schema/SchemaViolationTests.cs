using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>The shape of violations: dotted paths, Expected/Received phrases and readable messages.</summary>
public sealed class SchemaViolationTests
{
    [Fact]
    public void Nested_type_mismatch_names_the_full_dotted_path()
    {
        const string schema = """
            {"type": "object", "properties": {"schema": {"type": "object", "properties": {"tableConfig": {"type": "object",
              "properties": {"headers": {"type": "object", "properties": {"columnOne": {"type": "object",
                "properties": {"meta": {"type": "boolean"}}}}}}}}}}}
            """;

        var violations = SchemaAssert.Validate(schema, """{"schema": {"tableConfig": {"headers": {"columnOne": {"meta": "yes"}}}}}""");

        var violation = Assert.Single(violations);
        Assert.Equal(new SchemaViolation(
            "schema.tableConfig.headers.columnOne.meta", "boolean", "string",
            "schema.tableConfig.headers.columnOne.meta must be a boolean, got a string."), violation);
    }

    [Fact]
    public void Every_violation_is_reported_at_once_in_a_stable_order()
    {
        const string schema = """
            {"type": "object", "required": ["name", "count", "id"], "additionalProperties": false,
             "properties": {"name": {"type": "string", "maxLength": 3}, "count": {"type": "integer", "maximum": 10}, "id": {}}}
            """;
        const string instance = """{"name": "abcd", "count": 11.5, "colour": "red"}""";

        var first = SchemaAssert.Validate(schema, instance);
        var second = SchemaAssert.Validate(schema, instance);

        Assert.Equal(
            [("id", "required property", "missing"), ("name", "at most 3 characters", "4 characters"),
             ("count", "integer", "number"), ("colour", "no additional properties", "unexpected property \"colour\"")],
            first.Select(v => (v.Path, v.Expected, v.Received)));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Array_items_are_addressed_by_index()
    {
        const string schema = """
            {"type": "object", "properties": {"items": {"type": "array",
              "items": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^[a-z]+$"}}}}}}
            """;

        var violations = SchemaAssert.Validate(schema, """{"items": [{"name": "ok"}, {"name": "fine"}, {"name": "Not OK"}]}""");

        var violation = Assert.Single(violations);
        Assert.Equal("items[2].name", violation.Path);
        Assert.Equal("string matching ^[a-z]+$", violation.Expected);
        Assert.Equal("\"Not OK\"", violation.Received);
        Assert.Equal("items[2].name must match the pattern ^[a-z]+$, got \"Not OK\".", violation.Message);
    }

    [Fact]
    public void Missing_required_property_is_received_as_missing_at_its_own_path()
    {
        const string schema = """{"properties": {"config": {"type": "object", "required": ["name"]}}}""";

        var violation = Assert.Single(SchemaAssert.Validate(schema, """{"config": {}}"""));

        Assert.Equal(new SchemaViolation("config.name", "required property", "missing", "config.name is required but missing."), violation);
    }

    [Fact]
    public void Root_violations_have_an_empty_path_and_read_as_the_input()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"type": "object"}""", "[1, 2]"));

        Assert.Equal("", violation.Path);
        Assert.Equal("The input must be an object, got an array.", violation.Message);
    }

    [Fact]
    public void Enum_and_const_show_the_allowed_values_and_the_received_value()
    {
        var enumViolation = Assert.Single(SchemaAssert.Validate("""{"enum": ["a", "b"]}""", "\"hello\""));
        var constViolation = Assert.Single(SchemaAssert.Validate("""{"const": {"x": 1}}""", "{\"x\": 2}"));

        Assert.Equal(("one of [\"a\",\"b\"]", "\"hello\""), (enumViolation.Expected, enumViolation.Received));
        Assert.Equal(("exactly {\"x\":1}", "an object with 1 property"), (constViolation.Expected, constViolation.Received));
    }

    [Fact]
    public void Long_received_strings_are_truncated_without_splitting_surrogate_pairs()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 100));

        var violation = Assert.Single(SchemaAssert.Validate("""{"const": "x"}""", $"\"{text}\""));

        Assert.Equal("\"" + string.Concat(Enumerable.Repeat("😀", 40)) + "…\"", violation.Received);
    }

    [Fact]
    public void String_length_counts_code_points_not_utf16_units()
    {
        Assert.Empty(SchemaAssert.Validate("""{"maxLength": 2}""", "\"😀😀\""));

        var violation = Assert.Single(SchemaAssert.Validate("""{"maxLength": 1}""", "\"😀😀\""));
        Assert.Equal(("at most 1 character", "2 characters"), (violation.Expected, violation.Received));
    }

    [Fact]
    public void Property_names_that_are_not_identifiers_are_bracketed_in_paths()
    {
        var violation = Assert.Single(SchemaAssert.Validate(
            """{"properties": {"a.b": {"properties": {"c d": {"type": "null"}}}}}""", """{"a.b": {"c d": 1}}"""));

        Assert.Equal("[\"a.b\"][\"c d\"]", violation.Path);
    }

    [Fact]
    public void Additional_properties_false_lists_the_allowed_names()
    {
        var violation = Assert.Single(SchemaAssert.Validate(
            """{"properties": {"name": {}, "size": {}}, "additionalProperties": false}""", """{"nmae": 1}"""));

        Assert.Equal("nmae", violation.Path);
        Assert.Equal("nmae is not an allowed property (allowed: \"name\", \"size\"); remove it or check its spelling.", violation.Message);
    }
}
