using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.Json;

namespace Portico.Cli;

/// <summary>The <c>portico</c> command and its subcommands.</summary>
internal static class PorticoCommandLine
{
    /// <summary>The entry point: every run of <c>portico</c> is a command (<c>serve</c> builds the server with <see cref="Program.BuildServer"/>).</summary>
    public static Task<int> Main(string[] args) => InvokeAsync(Create(), args, new InvocationConfiguration(), CancellationToken.None);

    /// <summary>
    /// Parses without response files: System.CommandLine reads <c>@name</c> as a file of arguments, but Portico's arguments
    /// start with <c>@</c> for real (npm scopes such as <c>--arg @modelcontextprotocol/server-memory</c>).
    /// </summary>
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
        => root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>
    /// Runs a command line. A parse error (a typo'd option, a missing value) is refused like any other command: <c>error:</c>
    /// and <c>hint:</c> lines and exit code 2, instead of System.CommandLine's help dump and exit code 1.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration configuration, CancellationToken cancellationToken)
    {
        var parse = Parse(root, args);
        if (parse.Errors.Count == 0 || parse.Action is not ParseErrorAction)
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }

        var error = configuration.Error;
        var message = string.Join(" ", parse.Errors.Select(e => e.Message));
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        var command = string.Join(' ', names.Prepend("portico"));
        var hint = $"See '{command} --help' for the options and arguments it takes.";
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync($"hint: {hint}");
        if (args.Contains("--json"))
        {
            await configuration.Output.WriteLineAsync(JsonSerializer.Serialize(new CliErrorOutput(message, hint), CliJsonContext.Relaxed.CliErrorOutput));
        }

        return AdminCommand.Refused;
    }

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
        root.Subcommands.Add(ConnectorsCommand.Create());
        root.Subcommands.Add(ApprovalsCommand.Create());
        root.Subcommands.Add(ToolsetsCommand.Create());
        root.Subcommands.Add(Doctor.DoctorCommand.Create());
        root.Subcommands.Add(IntegrationsCommand.Create(packs ?? (services => Program.AddPacks(services, conformance: true))));
        return root;
    }

    public static Option<string> StoreOption() => new("--store")
    {
        Description = "The store: a SQLite file path (default portico.db in the working directory, or $PORTICO_STORE), or a PostgreSQL URL "
            + "postgres://USER:PASSWORD@HOST:5432/DB that several instances share.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PORTICO_STORE") ?? "portico.db",
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of text." };
}
