namespace Portico.Tests.Policy.Schema;

/// <summary>
/// The only test-suite groups not run as validation cases, each because its schema needs a feature
/// the validator refuses on purpose (tool input schemas are self-contained documents). For each,
/// the suite test asserts that compiling the schema throws UnsupportedSchemaException, so a skipped
/// group can never pass silently by ignoring the keyword.
/// </summary>
internal static class JsonSchemaTestSuiteSkips
{
    private const string RemoteRef = "$ref to a remote document (the 2020-12 meta-schema); only local refs are supported";
    private const string NestedId = "nested $id / $id-relative $ref; only a root $id is supported";
    private const string Unevaluated = "unevaluatedProperties is not supported";

    public static readonly IReadOnlyDictionary<(string File, string Group), string> Groups = new Dictionary<(string, string), string>
    {
        [("defs.json", "validate definition against metaschema")] = RemoteRef,
        [("ref.json", "remote ref, containing refs itself")] = RemoteRef,
        [("ref.json", "URN base URI with f-component")] = RemoteRef,
        [("ref.json", "Recursive references between schemas")] = NestedId,
        [("ref.json", "refs with relative uris and defs")] = NestedId,
        [("ref.json", "relative refs with absolute uris and defs")] = NestedId,
        [("ref.json", "$id must be resolved against nearest parent, not just immediate parent")] = NestedId,
        [("ref.json", "order of evaluation: $id and $ref")] = NestedId,
        [("ref.json", "order of evaluation: $id and $anchor and $ref")] = NestedId + "; $anchor is not supported",
        [("ref.json", "URN ref with nested pointer ref")] = NestedId,
        [("ref.json", "URN base URI with URN and anchor ref")] = "$anchor is not supported",
        [("ref.json", "ref to if")] = NestedId + "; if/then/else is not supported",
        [("ref.json", "ref to then")] = NestedId + "; if/then/else is not supported",
        [("ref.json", "ref to else")] = NestedId + "; if/then/else is not supported",
        [("ref.json", "ref with absolute-path-reference")] = NestedId,
        [("ref.json", "ref creates new scope when adjacent to keywords")] = Unevaluated,
        [("not.json", "collect annotations inside a 'not', even if collection is disabled")] = Unevaluated,
    };
}
