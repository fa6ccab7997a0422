namespace Portico.Tests.Policy.Schema;

/// <summary>
/// The only suite cases not run as validation cases, each with its reason. Every one is in
/// optional/ (the specification does not require it). The suite test checks that a skipped case is
/// still decided wrongly, so an entry that is no longer needed fails until it is removed.
/// </summary>
internal static class JsonSchemaTestSuiteSkips
{
    // Whole files: (file) -> reason.
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
    };

    // Groups: (file, group description) -> reason.
    private static readonly Dictionary<(string File, string Group), string> Groups = new()
    {
    };

    public static string? ReasonFor(string file, string group, string test) =>
        Files.TryGetValue(file, out var reason) || Groups.TryGetValue((file, group), out reason) ? reason : null;
}
