using System.CommandLine;
using System.Text.Json;
using Portico.Access;
using Portico.Connectors;
using Portico.Security;

namespace Portico.Cli;

/// <summary><c>portico connectors add | list | reload | remove</c>: REST APIs from OpenAPI documents, served as tools. Running servers apply a change within a second.</summary>
internal static class ConnectorsCommand
{
    /// <summary>What a file or fetched document may weigh here; the server's own limit is Portico:Connectors:MaxDocumentBytes.</summary>
    private static readonly int MaxDocumentBytes = new ConnectorOptions().MaxDocumentBytes;

    public static Command Create()
    {
        var command = new Command("connectors", "Manage connectors: REST APIs described by an OpenAPI 3.0/3.1 document, each operation served as a tool <connector>__<operationId>.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Reload());
        command.Subcommands.Add(Remove());
        return command;
    }

    /// <summary>The operator at a shell can reach anything anyway; the server's policy still decides where its calls go.</summary>
    private static ConnectorAdmin Admin(AdminContext cli)
        => new(cli.Db, cli.Time, new OutboundHttpClient(OutboundHttpPolicy.Unrestricted("the CLI's connector documents") with { MaxResponseBytes = MaxDocumentBytes }), MaxDocumentBytes);

    private static Option<string> NameOption() => new("--name") { Description = "The connector's name (also the prefix of its tools).", Required = true };

    private static Option<string> FileOption() => new("--file") { Description = "The OpenAPI document (JSON or YAML file)." };

    private static Command Add()
    {
        var name = NameOption();
        var url = new Option<string>("--url") { Description = "The URL of the OpenAPI document (a reload fetches it again)." };
        var file = FileOption();
        var baseUrl = new Option<string>("--base-url") { Description = "Where calls go, instead of the document's first server." };
        return AdminCommand.Create("add", "Add a connector from an OpenAPI document (--file or --url).", [name, url, file, baseUrl], async (parse, cli, cancellationToken) =>
        {
            if ((parse.GetValue(url) is null) == (parse.GetValue(file) is null))
            {
                throw new AccessException("Give either --url or --file.", "The document comes from one place.");
            }

            var input = new ConnectorInput
            {
                Name = parse.GetValue(name),
                Url = parse.GetValue(url),
                Document = await ReadFileAsync(parse.GetValue(file), cancellationToken),
                BaseUrl = parse.GetValue(baseUrl),
            };
            var added = await RunAsync(() => Admin(cli).AddAsync(input, "cli", cancellationToken));
            await WriteAsync(cli, added, $"Added connector '{added.Name}'");
        });
    }

    private static Command Reload()
    {
        var name = NameOption();
        var file = FileOption();
        return AdminCommand.Create("reload", "Read a connector's document again (from --file, else from its URL); every running server updates its tools.", [name, file], async (parse, cli, cancellationToken) =>
        {
            var document = await ReadFileAsync(parse.GetValue(file), cancellationToken);
            var reloaded = await RunAsync(() => Admin(cli).ReloadAsync(parse.GetValue(name)!, document, "cli", cancellationToken));
            await WriteAsync(cli, reloaded, $"Reloaded connector '{reloaded.Name}'");
        });
    }

    private static Command List()
        => AdminCommand.Create("list", "List the connectors and their tools.", [], async (parse, cli, cancellationToken) =>
        {
            var connectors = (await Admin(cli).ListAsync(cancellationToken)).Select(ConnectorOutput.From).ToList();
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(JsonSerializer.Serialize(connectors, ConnectorJsonContext.Relaxed.ListConnectorOutput));
                return;
            }

            if (connectors.Count == 0)
            {
                await cli.Output.WriteLineAsync("No connectors yet. Add one with: portico connectors add --name pets --url https://example.com/openapi.json");
                return;
            }

            var table = new CliTable("NAME", "TITLE", "BASE URL", "TOOLS", "REFUSED", "UPDATED");
            foreach (var c in connectors)
            {
                table.Add(c.Name, c.Title, c.BaseUrl, c.Tools.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    c.Refused.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), c.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            await table.WriteAsync(cli.Output);
        });

    private static Command Remove()
    {
        var name = NameOption();
        return AdminCommand.Create("remove", "Remove a connector; its tools leave every running server.", [name], async (parse, cli, cancellationToken) =>
        {
            await RunAsync(async () =>
            {
                await Admin(cli).RemoveAsync(parse.GetValue(name)!, cancellationToken);
                return 0;
            });
            await (cli.Json ? cli.Output.WriteLineAsync("{}") : cli.Output.WriteLineAsync($"Removed connector '{parse.GetValue(name)}'."));
        });
    }

    private static async Task<string?> ReadFileAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return null;
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new AccessException($"No file '{path}'.", "Give the path of the OpenAPI document.");
        }

        if (info.Length > MaxDocumentBytes)
        {
            throw new AccessException($"'{path}' is larger than {MaxDocumentBytes} bytes.", "Serve a smaller document.");
        }

        return await File.ReadAllTextAsync(path, cancellationToken);
    }

    private static async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ConnectorException ex)
        {
            throw new AccessException(ex.Message, ex.Hint.Length > 0 ? ex.Hint : ConnectorAdmin.Hint);
        }
    }

    private static async Task WriteAsync(AdminContext cli, Connectors.ConnectorRecord record, string what)
    {
        var output = ConnectorOutput.From(record);
        if (cli.Json)
        {
            await cli.Output.WriteLineAsync(JsonSerializer.Serialize(output, ConnectorJsonContext.Relaxed.ConnectorOutput));
            return;
        }

        await cli.Output.WriteLineAsync($"{what} ({output.Title}, calls go to {output.BaseUrl}): {output.Tools.Count} tools{(output.Tools.Count > 0 ? ": " + string.Join(", ", output.Tools) : "")}.");
        foreach (var refusal in output.Refused)
        {
            await cli.Output.WriteLineAsync($"  not offered: {refusal.Tool} — {refusal.Problem}");
        }
    }
}
