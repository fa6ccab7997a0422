using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>Numbers beyond double range, hostile patterns, deep nesting and the combinator messages.</summary>
public sealed class SchemaEdgeCaseTests
{
    [Theory]
    [InlineData("""{"type": "integer"}""", "1.0", true)]
    [InlineData("""{"type": "integer"}""", "1e400", true)]
    [InlineData("""{"type": "integer"}""", "1.5e-400", false)]
    [InlineData("""{"maximum": 1e308}""", "1e400", false)]
    [InlineData("""{"minimum": -1e400}""", "-1e399", true)]
    [InlineData("""{"exclusiveMinimum": 0}""", "1e-400", true)]
    [InlineData("""{"multipleOf": 0.1}""", "0.3", true)]
    [InlineData("""{"multipleOf": 0.01}""", "19.99", true)]
    [InlineData("""{"multipleOf": 3}""", "1e400", false)]
    [InlineData("""{"multipleOf": 5}""", "1e400", true)]
    [InlineData("""{"enum": [1]}""", "1.0", true)]
    [InlineData("""{"const": {"a": [1, 2.0]}}""", """{"a": [1.0, 2]}""", true)]
    [InlineData("""{"uniqueItems": true}""", "[1, 1.0]", false)]
    [InlineData("""{"uniqueItems": true}""", """[{"a": 1, "b": 2}, {"b": 2, "a": 1.00}]""", false)]
    [InlineData("""{"uniqueItems": true}""", "[[1], [true]]", true)]
    [InlineData("""{"multipleOf": 3}""", "1e99999999999", false)]
    [InlineData("""{"multipleOf": 2}""", "1e99999999999", true)]
    [InlineData("""{"multipleOf": 7}""", "1e-99999999999", false)]
    [InlineData("""{"minimum": 0}""", "-0", true)]
    [InlineData("""{"exclusiveMinimum": 0}""", "-0.0", false)]
    public void Numbers_and_equality_are_exact_whatever_their_size(string schema, string instance, bool valid)
    {
        Assert.Equal(valid, SchemaAssert.Validate(schema, instance).Count == 0);
    }

    [Fact]
    public void Numbers_with_thousands_of_digits_are_checked_without_throwing()
    {
        var digits = new string('3', 5000);

        Assert.Empty(SchemaAssert.Validate("""{"multipleOf": 0.5, "minimum": 1e400}""", digits + "e99999999999"));
        var violation = Assert.Single(SchemaAssert.Validate("""{"maximum": 1}""", digits));
        Assert.Equal(digits[..InstanceText.PreviewLength] + "…", violation.Received);
    }

    [Fact]
    public void A_pattern_that_backtracks_too_long_becomes_a_violation()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"pattern": "^(a+)+$"}""", $"\"{new string('a', 5000)}!\""));

        Assert.Equal("string matching ^(a+)+$", violation.Expected);
        Assert.Contains("could not be checked against the pattern", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Instances_nested_deeper_than_the_limit_get_one_nesting_too_deep_violation()
    {
        const string schema = """{"type": ["array", "number"], "items": {"$ref": "#"}}""";
        var instance = new string('[', 200) + "1" + new string(']', 200);

        var violation = Assert.Single(SchemaAssert.Validate(schema, instance));

        Assert.Equal("nesting too deep", violation.Received);
        Assert.StartsWith(string.Concat(Enumerable.Repeat("[0]", 64)), violation.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursive_schemas_validate_every_level_within_the_limit()
    {
        const string schema = """
            {"$defs": {"node": {"type": "object", "required": ["value"],
              "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
             "$ref": "#/$defs/node"}
            """;
        const string instance = """{"value": 1, "children": [{"value": 2, "children": [{"value": "three"}]}, {"children": []}]}""";

        var violations = SchemaAssert.Validate(schema, instance);

        Assert.Equal(["children[0].children[0].value", "children[1].value"], violations.Select(v => v.Path));
    }

    [Fact]
    public void Recursive_union_schemas_stay_linear_in_the_depth_of_the_instance()
    {
        // Both alternatives recurse into the same children; without memoising each level would
        // double the work at each of the 30 levels (2^30 evaluations).
        const string schema = """
            {"$defs": {"node": {"oneOf": [
               {"type": "object", "properties": {"kind": {"const": "folder"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}},
               {"type": "object", "properties": {"kind": {"const": "group"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}]}},
             "$ref": "#/$defs/node"}
            """;
        var instance = string.Concat(Enumerable.Repeat("""{"kind": "folder", "children": [""", 30))
            + "1" + string.Concat(Enumerable.Repeat("]}", 30));

        var violation = Assert.Single(SchemaAssert.Validate(schema, instance));

        Assert.Equal("exactly one of 2 schemas (oneOf)", violation.Expected);
    }

    [Fact]
    public void OneOf_with_no_match_quotes_the_closest_alternative()
    {
        const string schema = """
            {"oneOf": [{"type": "object", "required": ["kind", "radius"], "properties": {"kind": {"const": "circle"}}},
                       {"type": "string"}]}
            """;

        var violation = Assert.Single(SchemaAssert.Validate(schema, """{"kind": "circle"}"""));

        Assert.Equal(("exactly one of 2 schemas (oneOf)", "matched none"), (violation.Expected, violation.Received));
        Assert.Equal(
            "The input must match exactly one of 2 alternatives, but matched none; closest is alternative #1: radius is required but missing.",
            violation.Message);
    }

    [Fact]
    public void OneOf_matching_twice_says_which_alternatives_matched()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"oneOf": [{"type": "integer"}, {"minimum": 0}]}""", "3"));

        Assert.Equal("matched 2 (#1, #2)", violation.Received);
    }

    [Fact]
    public void Items_false_after_prefix_items_caps_the_length()
    {
        var violation = Assert.Single(SchemaAssert.Validate("""{"prefixItems": [{"type": "string"}], "items": false}""", """["a", 1, 2]"""));

        Assert.Equal(("", "at most 1 item", "3 items"), (violation.Path, violation.Expected, violation.Received));
    }

    [Theory]
    [InlineData("2025-01-31T09:30:00Z", true)]
    [InlineData("2025-02-29T09:30:00Z", false)]
    [InlineData("2025-01-31 09:30:00Z", false)]
    public void Date_time_format_is_asserted(string value, bool valid)
    {
        Assert.Equal(valid, SchemaAssert.Validate("""{"format": "date-time"}""", $"\"{value}\"").Count == 0);
    }

    [Fact]
    public void Unknown_formats_are_annotations()
    {
        Assert.Empty(SchemaAssert.Validate("""{"format": "made-up-format"}""", "\"anything\""));
    }

    [Fact]
    public void A_compiled_schema_outlives_the_document_it_was_compiled_from()
    {
        var compiled = SchemaAssert.Compile("""{"enum": ["a", {"b": [1]}]}""");
        using var instance = JsonDocument.Parse("""{"b": [1.0]}""");

        Assert.Empty(compiled.Validate(instance.RootElement));
    }

    [Fact]
    public void An_undefined_element_is_a_violation_not_an_exception()
    {
        var violation = Assert.Single(SchemaAssert.Compile("""{"type": "object"}""").Validate(default));

        Assert.Equal("missing", violation.Received);
    }
}
