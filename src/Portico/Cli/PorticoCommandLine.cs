using System.CommandLine;

namespace Portico.Cli;

/// <summary>The <c>portico</c> command and its subcommands.</summary>
internal static class PorticoCommandLine
{
    /// <summary>The entry point: every run of <c>portico</c> is a command (<c>serve</c> builds the server with <see cref="Program.BuildServer"/>).</summary>
    public static Task<int> Main(string[] args) => Create().Parse(args).InvokeAsync();

    /// <param name="packs">
    /// Registers the packs whose declared integrations <c>portico integrations</c> knows; the server's own list when null
    /// (a test adds its test pack here, as it does to the server it starts).
    /// </param>
    public static RootCommand Create(Action<IServiceCollection>? packs = null)
    {
        var root = new RootCommand("Portico: one authenticated, multi-tenant MCP endpoint for your own tools and upstream MCP servers.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(TenantsCommand.Create());
        root.Subcommands.Add(MembersCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(ClientsCommand.Create());
        root.Subcommands.Add(UpstreamsCommand.Create());
        root.Subcommands.Add(Doctor.DoctorCommand.Create());
        root.Subcommands.Add(IntegrationsCommand.Create(packs ?? (services => Program.AddPacks(services, conformance: true))));
        return root;
    }

    public static Option<string> StoreOption() => new("--store")
    {
        Description = "The store: a SQLite file path (default portico.db in the working directory).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PORTICO_STORE") ?? "portico.db",
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of text." };
}
