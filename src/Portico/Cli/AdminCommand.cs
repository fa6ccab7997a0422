using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using Portico.Access;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// Builds the administrative subcommands: each gets <c>--store</c> and <c>--json</c>, opens the store,
/// and turns a refused request into <c>error:</c> and <c>hint:</c> lines and exit code 2 — never a stack trace.
/// </summary>
internal static class AdminCommand
{
    public const int Refused = 2;
    public const int StoreFailed = 1;

    public static Command Create(string name, string description, Option[] options, Func<ParseResult, AdminContext, CancellationToken, Task> run)
    {
        var store = PorticoCommandLine.StoreOption();
        var json = PorticoCommandLine.JsonOption();
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.Options.Add(store);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, parse.GetValue(store)!, parse.GetValue(json), run, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string store, bool json, Func<ParseResult, AdminContext, CancellationToken, Task> run,
        CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            await AnnounceNewStoreAsync(store, error);
            await using var cli = await CliStore.OpenAsync(store, cancellationToken);
            await using var scope = cli.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var context = new AdminContext(services.GetRequiredService<AccessAdmin>(), services.GetRequiredService<PorticoDbContext>(),
                services.GetRequiredService<TimeProvider>(), output, error, json, services);
            await run(parse, context, cancellationToken);
            return 0;
        }
        catch (AccessException ex)
        {
            return await FailAsync(output, error, json, ex.Message, ex.Hint, Refused);
        }
        catch (StoreConfigurationException ex)
        {
            return await FailAsync(output, error, json, ex.Message, ex.Hint, Refused);
        }
        catch (Exception ex) when (StoreFailure.Of(ex) is { } storeError)
        {
            return await FailAsync(output, error, json, $"The store '{StoreConnection.Redact(store)}' cannot be used: {storeError.Message}",
                "Check that --store names a SQLite file Portico may write (in a directory that exists) or a reachable PostgreSQL database.", StoreFailed);
        }
    }

    /// <summary>
    /// Run from another directory without <c>--store</c>, a command would quietly create and use an empty <c>portico.db</c> there,
    /// and its changes would never reach the server: say so, with the full path.
    /// </summary>
    private static async Task AnnounceNewStoreAsync(string store, TextWriter error)
    {
        var connection = StoreConnection.Parse(store);
        if (connection.Provider == StoreProvider.Sqlite && !File.Exists(connection.Display))
        {
            await error.WriteLineAsync($"note: no store at {connection.Display}; creating a new, empty one there. "
                + "To use a server's store, pass --store PATH (or postgres://…) or set PORTICO_STORE.");
        }
    }

    private static async Task<int> FailAsync(TextWriter output, TextWriter error, bool json, string message, string hint, int exitCode)
    {
        await error.WriteLineAsync($"error: {message}");
        await error.WriteLineAsync($"hint: {hint}");
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new CliErrorOutput(message, hint), CliJsonContext.Relaxed.CliErrorOutput));
        }

        return exitCode;
    }
}
