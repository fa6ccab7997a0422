namespace Portico.Tests.TestSupport;

/// <summary>
/// What the portal's browser tests take from npm, installed by <c>tests/e2e/portal-tools.sh</c> (the prereqs stage of
/// tests/run-all.sh) into tests/e2e/portal/node_modules: axe-core, Node 22 and the MCP TypeScript SDK client. Missing
/// tools are a broken test machine, never a reason to skip.
/// </summary>
internal static class PortalTools
{
    public static string Directory { get; } = Find();

    public static string AxeScript => Require(Path.Combine(Directory, "node_modules", "axe-core", "axe.min.js"));

    public static string Node => Require(Path.Combine(Directory, "node_modules", "node", "bin", "node"));

    public static string Client => Require(Path.Combine(Directory, "client.mjs"));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "e2e", "portal");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/e2e/portal was not found above the test binaries.");
    }

    private static string Require(string path) => File.Exists(path)
        ? path
        : throw new InvalidOperationException($"{path} is missing: the portal tests need it. Install it with: bash tests/e2e/portal-tools.sh");
}
