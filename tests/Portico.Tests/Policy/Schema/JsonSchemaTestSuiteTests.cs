using System.Collections.Concurrent;
using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Every case of the official JSON-Schema-Test-Suite (draft 2020-12), one theory row per case. The
/// files live in TestSuite/ (see the README there): the suite's remote documents are served from
/// TestSuite/remotes under their http://localhost:1234/ URIs and the 2020-12 meta-schemas from
/// TestSuite/metaschema under their $id, all from disk, so the suite runs with no network.
/// </summary>
public sealed class JsonSchemaTestSuiteTests
{
    private static readonly string Suite = Path.Combine(AppContext.BaseDirectory, "Policy", "Schema", "TestSuite");
    private static readonly string Root = Path.Combine(Suite, "draft2020-12");
    private static readonly ConcurrentDictionary<string, JsonElement> Files = new(StringComparer.Ordinal);
    private static readonly Lazy<Dictionary<string, JsonElement>> Documents = new(LoadDocuments);

    public static TheoryData<string, int, int, string> Cases()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal))
        {
            var groups = Load(file);
            for (var g = 0; g < groups.GetArrayLength(); g++)
            {
                var tests = groups[g].GetProperty("tests");
                for (var t = 0; t < tests.GetArrayLength(); t++)
                {
                    data.Add(file, g, t, $"{groups[g].GetProperty("description").GetString()} / {tests[t].GetProperty("description").GetString()}");
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Suite_case_is_decided_like_the_specification(string file, int group, int test, string description)
    {
        var groupElement = Load(file)[group];
        var schema = groupElement.GetProperty("schema");
        var testCase = groupElement.GetProperty("tests")[test];
        var valid = testCase.GetProperty("valid").GetBoolean();

        if (JsonSchemaTestSuiteSkips.ReasonFor(file, groupElement.GetProperty("description").GetString()!) is { } reason)
        {
            // A skipped case must still be one we get wrong; when it starts passing, drop it from the list.
            Assert.False(valid == (Decide(file, schema, testCase) == 0), $"{file}: {description} now passes; remove its skip.");
            Assert.Skip(reason);
        }

        var violations = Compile(file, schema).Validate(testCase.GetProperty("data"));

        Assert.True(valid == (violations.Count == 0),
            $"{file}: {description}: expected {(valid ? "valid" : "invalid")}, got [{string.Join("; ", violations.Select(v => v.Message))}]");
        Assert.All(violations, violation => Assert.False(string.IsNullOrEmpty(violation.Message)));
    }

    // format is an annotation by default (format.json tests that); optional/format/ is for validators that assert it.
    private static CompiledSchema Compile(string file, JsonElement schema) =>
        JsonSchemaCompiler.Compile(schema, Documents.Value, assertFormat: file.StartsWith("optional/format/", StringComparison.Ordinal));

    private static int Decide(string file, JsonElement schema, JsonElement testCase)
    {
        try
        {
            return Compile(file, schema).Validate(testCase.GetProperty("data")).Count;
        }
        catch (UnsupportedSchemaException)
        {
            return -1;
        }
    }

    private static JsonElement Load(string file) =>
        Files.GetOrAdd(file, name => Parse(Path.Combine(Root, name)));

    private static Dictionary<string, JsonElement> LoadDocuments()
    {
        var documents = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var remotes = Path.Combine(Suite, "remotes");
        foreach (var path in Directory.EnumerateFiles(remotes, "*.json", SearchOption.AllDirectories))
        {
            documents["http://localhost:1234/" + Path.GetRelativePath(remotes, path).Replace('\\', '/')] = Parse(path);
        }

        foreach (var path in Directory.EnumerateFiles(Path.Combine(Suite, "metaschema"), "*.json", SearchOption.AllDirectories))
        {
            var metaSchema = Parse(path);
            documents[metaSchema.GetProperty("$id").GetString()!] = metaSchema;
        }

        return documents;
    }

    private static JsonElement Parse(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
