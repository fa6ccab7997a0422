using System.CommandLine;
using Portico.Hosting;
using Portico.Storage;

namespace Portico.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (semicolon-separated URLs).",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var store = PorticoCommandLine.StoreOption();
        var conformance = new Option<bool>("--conformance")
        {
            Description = "Development mode for the MCP conformance suite: enables the fixture tools and accepts anonymous callers from loopback only.",
        };
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "Console log format: 'simple' (readable lines, the default) or 'json' (one JSON object a line). Same as Portico__Logging__Format.",
        };
        logFormat.AcceptOnlyFromAmong(ConsoleLogs.Simple, ConsoleLogs.Json);
        var command = new Command("serve", "Run the Portico server.") { urls, store, conformance, logFormat };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ServeSettings
            {
                Urls = parse.GetValue(urls)!,
                Store = parse.GetValue(store)!,
                Conformance = parse.GetValue(conformance),
                Configuration = parse.GetValue(logFormat) is { } format
                    ? new Dictionary<string, string?> { [ConsoleLogs.FormatKey] = format }
                    : new Dictionary<string, string?>(),
            };
            return await RunAsync(settings, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServeSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Conformance && !Program.AreLoopbackOnly(settings.Urls))
        {
            await Console.Error.WriteLineAsync($"error: --conformance accepts anonymous callers and may only listen on loopback, but --urls is '{settings.Urls}'.");
            await Console.Error.WriteLineAsync("hint: use --urls http://127.0.0.1:PORT, or drop --conformance.");
            return 2;
        }

        WebApplication app;
        try
        {
            app = Program.BuildServer(settings);
        }
        catch (StoreConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync($"hint: {ex.Hint}");
            return 2;
        }
        catch (SettingException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync($"hint: {ex.Hint}");
            return 2;
        }

        // Said before the migrations create it: a new SQLite file next to the wrong working directory is the usual reason for "my keys are gone".
        var store = StoreConnection.Parse(settings.Store);
        var storeLine = store.Provider == StoreProvider.Sqlite
            ? $"Store: SQLite {store.Display}{(File.Exists(store.Display) ? "" : " (new and empty: created now; pass --store or set PORTICO_STORE to use another)")}"
            : $"Store: PostgreSQL {store.Display}";

        if (settings.Conformance)
        {
            await Console.Error.WriteLineAsync("WARNING: conformance mode — fixture tools are enabled and anonymous loopback callers are accepted. Never use this in production.");
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (StoreConfigurationException ex)
        {
            // E.g. no usable key-encryption key for the store's key ring (resolved as the host starts).
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync($"hint: {ex.Hint}");
            return 2;
        }
        catch (Exception ex) when (StoreFailure.Of(ex) is { } storeError)
        {
            await Console.Error.WriteLineAsync($"error: the store '{StoreConnection.Redact(settings.Store)}' cannot be used: {storeError.Message}");
            await Console.Error.WriteLineAsync("hint: check --store: a SQLite file in a directory that exists, or a reachable PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DB).");
            return 1;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: cannot listen on {settings.Urls}: {ex.Message}");
            await Console.Error.WriteLineAsync("hint: another process may hold the port; pick another with --urls http://127.0.0.1:PORT.");
            return 1;
        }

        Console.WriteLine(storeLine);
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"Portico is listening on {url} — MCP endpoint {url.TrimEnd('/')}/mcp, health {url.TrimEnd('/')}/health");
        }

        await app.WaitForShutdownAsync(cancellationToken);
        await app.DisposeAsync();
        return 0;
    }
}
