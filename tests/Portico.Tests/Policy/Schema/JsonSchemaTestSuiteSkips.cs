namespace Portico.Tests.Policy.Schema;

/// <summary>
/// The only suite cases not run as validation cases, each with its reason. Every one is in
/// optional/ (the specification does not require it). The suite test checks that a skipped case is
/// still decided wrongly, so an entry that is no longer needed fails until it is removed.
/// </summary>
internal static class JsonSchemaTestSuiteSkips
{
    private static readonly Dictionary<(string File, string Group), string> Groups = new()
    {
        // None today: every case of the vendored draft2020-12 suite, optional/ included, is run. A case that needs
        // network access or a regex feature ECMA-262 lacks would go here, with its reason.
    };

    public static string? ReasonFor(string file, string group) => Groups.GetValueOrDefault((file, group));
}
