using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Thousands of seeded random documents (wrong types, 200-level nesting, megabyte strings, astral
/// text, numbers past double range) against realistic schemas: validation must never throw, and
/// every violation must be complete enough to show a model.
/// </summary>
public sealed class SchemaFuzzTests
{
    private const int Seed = 20_251_121;
    private const int Documents = 3000;

    private static readonly JsonDocumentOptions DeepDocuments = new() { MaxDepth = 256 };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Random_documents_never_throw_and_every_violation_is_complete()
    {
        var writer = new RandomJsonWriter(new Random(Seed));
        var schemas = FuzzSchemas.All.Select(SchemaAssert.Compile).ToList();
        long validations = 0, violations = 0, tooDeep = 0, validResults = 0;
        var mostInOneResult = 0;
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Documents; i++)
        {
            using var document = JsonDocument.Parse(writer.Document(), DeepDocuments);
            foreach (var schema in schemas)
            {
                var result = schema.Validate(document.RootElement);
                validations++;
                validResults += result.Count == 0 ? 1 : 0;
                violations += result.Count;
                mostInOneResult = Math.Max(mostInOneResult, result.Count);
                foreach (var violation in result)
                {
                    AssertComplete(violation);
                    tooDeep += violation.Received == "nesting too deep" ? 1 : 0;
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"fuzz: {Documents} documents x {schemas.Count} schemas = {validations} validations in {clock.ElapsedMilliseconds} ms; " +
            $"{validResults} valid results, {violations} violations (max {mostInOneResult} in one result), " +
            $"{tooDeep} 'nesting too deep', {writer.LongStrings} strings of 100 KB-1 MB, deepest document {writer.MaxDepthWritten} levels");
        Assert.True(tooDeep > 0, "the fuzz corpus should reach the nesting limit");
        Assert.True(validResults > 0, "the fuzz corpus should also produce valid results");
    }

    [Fact]
    public void Random_documents_get_the_same_violations_every_time()
    {
        var writer = new RandomJsonWriter(new Random(Seed + 1));
        var schemas = FuzzSchemas.All.Select(SchemaAssert.Compile).ToList();
        for (var i = 0; i < 300; i++)
        {
            using var document = JsonDocument.Parse(writer.Document(), DeepDocuments);
            foreach (var schema in schemas)
            {
                Assert.Equal(schema.Validate(document.RootElement), schema.Validate(document.RootElement));
            }
        }
    }

    private static void AssertComplete(SchemaViolation violation)
    {
        Assert.NotNull(violation.Path);
        Assert.False(string.IsNullOrWhiteSpace(violation.Expected));
        Assert.False(string.IsNullOrWhiteSpace(violation.Received));
        Assert.False(string.IsNullOrWhiteSpace(violation.Message));
        Assert.StartsWith(violation.Path.Length == 0 ? "The input " : violation.Path + " ", violation.Message, StringComparison.Ordinal);
        // Truncation must never cut a surrogate pair in half: the text has to survive UTF-8 encoding.
        StrictUtf8.GetByteCount(violation.Path + violation.Expected + violation.Received + violation.Message);
        Assert.True(violation.Received.Length < 400, $"Received should be short, was {violation.Received.Length} chars");
    }
}
