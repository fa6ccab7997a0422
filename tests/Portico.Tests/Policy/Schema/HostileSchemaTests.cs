using System.Text;
using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Schemas come from upstream servers and instances from models: neither may overflow the stack,
/// hang the server or throw. Deep nesting and huge patterns are bounded with a clear error or
/// violation; reference loops are refused at compile time; branching work is memoised and, as a
/// last resort, capped by a step budget.
/// </summary>
public sealed class HostileSchemaTests
{
    private static readonly JsonDocumentOptions VeryDeep = new() { MaxDepth = 20_000 };

    [Fact]
    public void A_schema_nested_thousands_of_levels_deep_is_refused_with_where_it_got_too_deep()
    {
        var schema = string.Concat(Enumerable.Repeat("""{"properties": {"a": """, 3000)) + "true" + new string('}', 6000);
        using var document = JsonDocument.Parse(schema, VeryDeep);

        var error = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaCompiler.Compile(document.RootElement));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("nested more than 128 levels deep", issue.Detail);
        Assert.StartsWith(string.Concat(Enumerable.Repeat("/properties/a", 64)), issue.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2000)]
    [InlineData(5000)]
    public void Const_and_enum_values_thousands_of_levels_deep_compile_and_compare(int depth)
    {
        var deep = new string('[', depth) + new string(']', depth);
        using var schema = JsonDocument.Parse("{\"enum\": [1, " + deep + "], \"not\": {\"const\": " + deep + "}}", VeryDeep);
        using var instance = JsonDocument.Parse(deep, VeryDeep);

        var compiled = JsonSchemaCompiler.Compile(schema.RootElement);

        Assert.Equal("a value not matching the schema under 'not'", Assert.Single(compiled.Validate(instance.RootElement)).Expected);
    }

    [Fact]
    public void Instances_deeper_than_the_limit_stop_with_a_violation_under_unevaluated_and_dynamic_references()
    {
        const string schema = """
            {"$dynamicAnchor": "node", "type": ["object", "integer"], "properties": {"child": {"$dynamicRef": "#node"}},
             "unevaluatedProperties": false}
            """;
        var instance = string.Concat(Enumerable.Repeat("""{"child": """, 300)) + "1" + new string('}', 300);

        var violation = Assert.Single(SchemaAssert.Validate(schema, instance));

        Assert.Equal("nesting too deep", violation.Received);
    }

    [Fact]
    public void Branching_dynamic_references_stay_linear_in_the_depth_of_the_instance()
    {
        // Both alternatives recurse into the same child: without the memo this is 2^60 evaluations.
        const string schema = """
            {"$dynamicAnchor": "node", "oneOf": [
               {"type": "array", "items": {"$dynamicRef": "#node"}},
               {"type": "array", "items": {"$dynamicRef": "#node"}, "unevaluatedItems": false}]}
            """;
        var instance = new string('[', 60) + "1" + new string(']', 60);

        var violation = Assert.Single(SchemaAssert.Validate(schema, instance));

        Assert.Equal("exactly one of 2 schemas (oneOf)", violation.Expected);
    }

    [Fact]
    public void A_value_too_costly_to_check_gets_one_clear_violation_instead_of_running_on()
    {
        var instance = "[" + string.Join(",", Enumerable.Repeat("0", ValidationContext.MaxSteps + 1)) + "]";

        var violations = SchemaAssert.Validate("""{"items": {"type": "integer"}}""", instance);

        var violation = Assert.Single(violations);
        Assert.Equal(("", "too complex to validate"), (violation.Path, violation.Received));
    }

    [Fact]
    public void A_huge_pattern_is_refused_with_its_length()
    {
        var error = SchemaAssert.CompileFails($$"""{"pattern": "{{new string('a', 20_000)}}"}""");

        Assert.Contains("20000 characters long; at most 10000", Assert.Single(error.Issues).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deeply_nested_pattern_compiles_or_is_refused_without_overflowing()
    {
        var pattern = new string('(', 4000) + "a" + new string(')', 4000);

        var compiled = SchemaAssert.Compile($$"""{"pattern": "{{pattern}}"}""");

        Assert.Empty(compiled.Validate(JsonDocument.Parse("\"a\"").RootElement));
    }

    [Fact]
    public void Thousands_of_references_in_a_chain_compile_without_recursion()
    {
        var definitions = new StringBuilder("""{"$ref": "#/$defs/d0", "$defs": {""");
        for (var i = 0; i < 3000; i++)
        {
            definitions.Append(System.Globalization.CultureInfo.InvariantCulture, $$"""
                "d{{i}}": {"$ref": "#/$defs/d{{i + 1}}"},
                """);
        }

        definitions.Append("""  "d3000": {"type": "integer"}}}""");
        var compiled = SchemaAssert.Compile(definitions.ToString());

        // Deeper than the reference-hop limit: a violation, not a stack overflow.
        Assert.Equal("nesting too deep", Assert.Single(compiled.Validate(JsonDocument.Parse("1").RootElement)).Received);
    }
}
