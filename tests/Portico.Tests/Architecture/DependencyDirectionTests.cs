namespace Portico.Tests.Architecture;

/// <summary>
/// One direction of dependencies between the folders of <c>src/Portico</c> (docs/architecture.md draws it): a
/// folder uses only folders below it. A new back-edge fails here with the types that make it.
/// </summary>
public sealed class DependencyDirectionTests
{
    /// <summary>Bottom first. Keep in step with the graph in docs/architecture.md.</summary>
    public static readonly string[] Layers =
    [
        "Hosting",
        "Telemetry",
        "Schema",
        "Storage",
        "Security",
        "Access",
        "Identity",
        "Health",
        "Catalog",
        "Integrations",
        "Policy",
        "Tasks",
        "Mcp",
        "Gateway",
        "Connectors",
        "Toolsets",
        "Tools",
        "Portal",
        "Program",
        "Cli",
    ];

    [Fact]
    public void No_folder_uses_a_folder_above_it()
    {
        var edges = FolderDependencies.Read(typeof(Portico.Program).Assembly);
        var unknown = edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Where(f => !Layers.Contains(f)).ToList();
        Assert.True(unknown.Count == 0, $"Folders missing from the layer list (add them where they belong, and to docs/architecture.md): {string.Join(", ", unknown)}");

        var upward = edges.Where(e => Array.IndexOf(Layers, e.Key.From) < Array.IndexOf(Layers, e.Key.To))
            .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
            .Select(e => $"{e.Key.From} -> {e.Key.To}:\n    {string.Join("\n    ", e.Value)}")
            .ToList();
        Assert.True(upward.Count == 0, $"Folders that use a folder above them:\n{string.Join("\n", upward)}");
    }

    /// <summary>The check reads method bodies, lambdas and async state machines, not only signatures: it sees these known uses.</summary>
    [Fact]
    public void The_check_sees_uses_inside_method_bodies()
    {
        var edges = FolderDependencies.Read(typeof(Portico.Program).Assembly);
        // Program.BuildServer calls AddPorticoGateway (a body); the serve command calls Program.BuildServer inside an async method.
        Assert.Contains(("Program", "Gateway"), edges.Keys);
        Assert.Contains(("Cli", "Program"), edges.Keys);
        // The records gate queries the store inside async methods.
        Assert.Contains(edges[("Tools", "Storage")], use => use.StartsWith("Portico.Tools.Records.TenantEntities uses Portico.Storage.", StringComparison.Ordinal));
    }
}
