using System.Collections.Concurrent;
using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Every case of the official JSON-Schema-Test-Suite (draft 2020-12) for the supported keywords,
/// one theory row per case. Files live in TestSuite/draft2020-12 (see the README there).
/// </summary>
public sealed class JsonSchemaTestSuiteTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Policy", "Schema", "TestSuite", "draft2020-12");
    private static readonly ConcurrentDictionary<string, JsonElement> Files = new(StringComparer.Ordinal);

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

        if (JsonSchemaTestSuiteSkips.Groups.TryGetValue((file, groupElement.GetProperty("description").GetString()!), out var reason))
        {
            Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaCompiler.Compile(schema));
            Assert.Skip(reason);
        }

        var violations = JsonSchemaCompiler.Compile(schema).Validate(testCase.GetProperty("data"));

        var valid = testCase.GetProperty("valid").GetBoolean();
        Assert.True(valid == (violations.Count == 0),
            $"{file}: {description}: expected {(valid ? "valid" : "invalid")}, got [{string.Join("; ", violations.Select(v => v.Message))}]");
        Assert.All(violations, violation => Assert.False(string.IsNullOrEmpty(violation.Message)));
    }

    private static JsonElement Load(string file) =>
        Files.GetOrAdd(file, name =>
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, name)));
            return document.RootElement.Clone();
        });
}
