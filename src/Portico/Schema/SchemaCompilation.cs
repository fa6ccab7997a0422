using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The state of compiling one schema document: compiled subschemas by JSON pointer (so each is
/// compiled once and <c>$ref</c>s can share them), references waiting to be bound, and every issue
/// found. Issues are collected rather than thrown so one error lists all of them.
/// </summary>
internal sealed class SchemaCompilation
{
    // Schema documents are parsed with a depth limit already; this guards callers who raised it.
    private const int MaxSchemaDepth = 128;

    private readonly JsonElement _root;
    private readonly List<SchemaIssue> _issues = [];
    private readonly Dictionary<string, SchemaNode> _compiled = new(StringComparer.Ordinal);
    private readonly ReferenceResolver _references;

    public SchemaCompilation(JsonElement root)
    {
        _root = root;
        _references = new ReferenceResolver(this, root);
    }

    public IReadOnlyList<SchemaIssue> Issues => _issues;

    public SchemaNode CompileRoot()
    {
        var root = Compile(_root, "", 0);
        _references.BindAll();
        RefCycleCheck.Run(_compiled.Values, this);
        return root;
    }

    public void Issue(string pointer, string keyword, string? detail = null) => _issues.Add(new SchemaIssue(pointer, keyword, detail));

    public void QueueReference(RefNode node, string reference, int depth) => _references.Queue(node, reference, depth);

    /// <summary>The node for the subschema at <paramref name="pointer"/>, compiling it on first use.</summary>
    public SchemaNode Compile(JsonElement schema, string pointer, int depth)
    {
        if (_compiled.TryGetValue(pointer, out var existing))
        {
            return existing;
        }

        SchemaNode node;
        if (depth > MaxSchemaDepth)
        {
            Issue(pointer, "schema", $"nested more than {MaxSchemaDepth} levels deep");
            node = BooleanSchemaNode.True;
        }
        else
        {
            node = schema.ValueKind switch
            {
                JsonValueKind.True => BooleanSchemaNode.True,
                JsonValueKind.False => BooleanSchemaNode.False,
                JsonValueKind.Object => CompileObject(schema, pointer, depth),
                _ => Invalid(pointer),
            };
        }

        _compiled[pointer] = node;
        return node;
    }

    private BooleanSchemaNode Invalid(string pointer)
    {
        Issue(pointer, "schema", "a schema must be an object or a boolean");
        return BooleanSchemaNode.True;
    }

    private SchemaObjectNode CompileObject(JsonElement schema, string pointer, int depth)
    {
        TypeNode? type = null;
        var keywords = new List<SchemaNode>();
        var seenProperties = false;
        var seenItems = false;
        foreach (var member in schema.EnumerateObject())
        {
            var at = JsonPointer.Append(pointer, member.Name);
            var value = member.Value;
            SchemaNode? node = null;
            switch (member.Name)
            {
                case "type":
                    type = ValueKeywordCompiler.Type(this, value, at);
                    break;
                case "properties" or "patternProperties" or "additionalProperties":
                    node = seenProperties ? null : StructureKeywordCompiler.Properties(this, schema, pointer, depth);
                    seenProperties = true;
                    break;
                case "prefixItems" or "items":
                    node = seenItems ? null : StructureKeywordCompiler.Items(this, schema, pointer, depth);
                    seenItems = true;
                    break;
                case "$id" when pointer.Length > 0:
                    Issue(at, "$id", "only allowed at the root of the schema");
                    break;
                case "$id" when value.ValueKind != JsonValueKind.String:
                    Issue(at, "$id", "must be a string");
                    break;
                case "$id":
                    break;
                default:
                    node = CompileKeyword(member.Name, value, at, depth);
                    break;
            }

            if (node is not null)
            {
                keywords.Add(node);
            }
        }

        return new SchemaObjectNode(type, keywords);
    }

    private SchemaNode? CompileKeyword(string name, JsonElement value, string at, int depth)
    {
        switch (name)
        {
            case "enum" or "const" or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf"
                or "minLength" or "maxLength" or "pattern" or "format" or "minItems" or "maxItems" or "uniqueItems"
                or "minProperties" or "maxProperties" or "required":
                return ValueKeywordCompiler.Compile(this, name, value, at);
            case "allOf" or "anyOf" or "oneOf" or "not" or "$ref" or "$defs" or "definitions":
                return ApplicatorKeywordCompiler.Compile(this, name, value, at, depth);
            default:
                if (!SchemaKeywords.Annotations.Contains(name))
                {
                    Issue(at, name);
                }

                return null;
        }
    }
}
