using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The state of compiling one schema: compiled subschemas by location (so each is compiled once and
/// references can share them), references waiting to be bound, and every issue found. Issues are
/// collected rather than thrown so one error lists all of them.
/// </summary>
internal sealed class SchemaCompilation
{
    // Schema documents are parsed with a depth limit already; this guards callers who raised it.
    public const int MaxSchemaDepth = 128;

    private readonly List<SchemaIssue> _issues = [];
    private readonly Dictionary<SchemaLocation, SchemaNode> _compiled = [];
    private readonly ReferenceResolver _references;
    private readonly bool _assertFormat;

    public SchemaCompilation(IReadOnlyDictionary<string, JsonElement> documents, bool assertFormat)
    {
        _assertFormat = assertFormat;
        Registry = new SchemaRegistry(this, documents);
        _references = new ReferenceResolver(this);
    }

    public SchemaRegistry Registry { get; }

    public IReadOnlyList<SchemaIssue> Issues => _issues;

    /// <summary>Set when a <c>$dynamicRef</c> may change target, so validation must track the dynamic scope.</summary>
    public bool UsesDynamicScope { get; set; }

    /// <summary>Set when any schema uses unevaluatedProperties/unevaluatedItems.</summary>
    public bool UsesAnnotations { get; set; }

    /// <summary>Whether <c>format</c> is checked in this document: by option, or because its meta-schema asks.</summary>
    public bool AssertsFormat(SchemaLocation at) =>
        _assertFormat || (Registry.Vocabularies(at.Document) & SchemaVocabularies.FormatAssertion) != 0;

    public SchemaNode CompileRoot(JsonElement root)
    {
        var document = Registry.Load(root, SchemaUri.DefaultBase);
        var node = Compile(root, new SchemaLocation(document, ""), 0);
        _references.BindAll();
        RefCycleCheck.Run(_compiled.Values, this);
        return node;
    }

    public void Issue(SchemaLocation at, string keyword, string? detail = null)
    {
        var issue = new SchemaIssue(at.Document == 0 ? at.Pointer : $"{Registry.DocumentUri(at.Document)}#{at.Pointer}", keyword, detail);
        if (!_issues.Contains(issue))
        {
            _issues.Add(issue);
        }
    }

    public void QueueReference(ReferenceNode node, int depth) => _references.Queue(node, depth);

    /// <summary>The node for the subschema at <paramref name="at"/>, compiling it on first use.</summary>
    public SchemaNode Compile(JsonElement schema, SchemaLocation at, int depth)
    {
        if (_compiled.TryGetValue(at, out var existing))
        {
            return existing;
        }

        SchemaNode node;
        if (depth > MaxSchemaDepth)
        {
            Issue(at, "schema", $"nested more than {MaxSchemaDepth} levels deep");
            node = BooleanSchemaNode.True;
        }
        else
        {
            node = schema.ValueKind switch
            {
                JsonValueKind.True => BooleanSchemaNode.True,
                JsonValueKind.False => BooleanSchemaNode.False,
                JsonValueKind.Object => CompileObject(schema, at, depth),
                _ => Invalid(at),
            };
        }

        _compiled[at] = node;
        return node;
    }

    private BooleanSchemaNode Invalid(SchemaLocation at)
    {
        Issue(at, "schema", "a schema must be an object or a boolean");
        return BooleanSchemaNode.True;
    }

    private SchemaObjectNode CompileObject(JsonElement schema, SchemaLocation at, int depth)
    {
        var vocabularies = Registry.Vocabularies(at.Document);
        var node = new SchemaObjectNode(Registry.ResourceAt(at));
        _compiled[at] = node; // before the keywords, so a subschema referring back finds it
        TypeNode? type = null;
        var keywords = new List<SchemaNode>();
        var unevaluated = new List<SchemaNode>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in schema.EnumerateObject())
        {
            var name = member.Name;
            var keyword = at.Append(name);
            if (name is "prefixItems" or "$dynamicRef" && (vocabularies & SchemaVocabularies.Draft201909) != 0)
            {
                continue; // introduced by 2020-12: an annotation in a 2019-09 document
            }

            if (name is "$ref" or "$dynamicRef" or "$defs" or "definitions" or "$id" or "$anchor" or "$dynamicAnchor"
                or "$schema" or "$vocabulary" or "$comment")
            {
                if (CoreKeywordCompiler.Compile(this, name, member.Value, keyword, depth) is { } core)
                {
                    keywords.Add(core);
                }

                continue;
            }

            if (!SchemaKeywords.IsEvaluated(name, vocabularies))
            {
                continue; // an annotation: title, x-foo, discriminator, or a vocabulary the meta-schema left out
            }

            var group = KeywordGroup(name);
            if (!done.Add(group))
            {
                continue;
            }

            var compiled = group switch
            {
                "type" => type = ValueKeywordCompiler.Type(this, member.Value, keyword),
                "properties" => StructureKeywordCompiler.Properties(this, schema, at, depth),
                "items" => StructureKeywordCompiler.Items(this, schema, at, depth),
                "contains" => StructureKeywordCompiler.Contains(this, schema, at, depth, vocabularies),
                "if" => ApplicatorKeywordCompiler.Conditional(this, schema, at, depth),
                "unevaluated" => null,
                _ when ApplicatorKeywordCompiler.Handles(name) => ApplicatorKeywordCompiler.Compile(this, name, member.Value, keyword, depth),
                _ => ValueKeywordCompiler.Compile(this, name, member.Value, keyword),
            };
            if (group == "unevaluated")
            {
                unevaluated.AddRange(StructureKeywordCompiler.Unevaluated(this, schema, at, depth));
            }
            else if (compiled is not null && group != "type")
            {
                keywords.Add(compiled);
            }
        }

        if (unevaluated.Count > 0)
        {
            UsesAnnotations = true;
        }

        // unevaluated* run last: they need the annotations of every other keyword of this schema.
        node.Initialise(type, [.. keywords, .. unevaluated], collectsAnnotations: unevaluated.Count > 0);
        return node;
    }

    /// <summary>Keywords read together (their meanings interlock) share a group and compile once.</summary>
    private static string KeywordGroup(string name) => name switch
    {
        "properties" or "patternProperties" or "additionalProperties" => "properties",
        "prefixItems" or "items" or "additionalItems" => "items",
        "contains" or "minContains" or "maxContains" => "contains",
        "if" or "then" or "else" => "if",
        "unevaluatedProperties" or "unevaluatedItems" => "unevaluated",
        _ => name,
    };
}
