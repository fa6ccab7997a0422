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
        [("optional/cross-draft.json", "refs to historic drafts are processed as historic drafts")] =
            "needs a draft 2019-09 document evaluated with 2019-09 semantics; Portico implements 2020-12 only "
            + "(tool schemas are 2020-12 in MCP), and the suite's 2019-09 remotes are not vendored",
    };

    public static string? ReasonFor(string file, string group) => Groups.GetValueOrDefault((file, group));
}
