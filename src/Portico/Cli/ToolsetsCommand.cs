using System.CommandLine;
using System.Text.Json;
using Portico.Access;
using Portico.Toolsets;

namespace Portico.Cli;

/// <summary><c>portico toolsets list | show | create | update | delete</c>: curated endpoints <c>/toolsets/{name}/mcp</c>. Running servers apply a change within a second.</summary>
internal static class ToolsetsCommand
{
    private const int MaxFileBytes = 512 * 1024;

    public static Command Create()
    {
        var command = new Command("toolsets", "Manage toolsets: curated MCP endpoints /toolsets/<name>/mcp serving chosen tools (native, upstream, connector), optionally renamed.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Write("create", "Create a toolset from --tool options or a JSON --file."));
        command.Subcommands.Add(Write("update", "Replace a toolset's title, description and tools (--tool options or a JSON --file); its name and owner stay."));
        command.Subcommands.Add(Delete());
        return command;
    }

    private static ToolsetAdmin Admin(AdminContext cli) => new(cli.Db, cli.Time);

    private static Option<string> NameOption() => new("--name") { Description = "The toolset's name (its endpoint is /toolsets/<name>/mcp).", Required = true };

    private static Command List()
        => AdminCommand.Create("list", "List every toolset (global and tenants').", [], async (parse, cli, cancellationToken) =>
        {
            var toolsets = (await Admin(cli).ListAsync(ToolsetScope.Operator, cancellationToken)).Select(ToolsetOutput.From).ToList();
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(JsonSerializer.Serialize(toolsets, ToolsetJsonContext.Relaxed.ListToolsetOutput));
                return;
            }

            if (toolsets.Count == 0)
            {
                await cli.Output.WriteLineAsync("No toolsets yet. Create one with: portico toolsets create --name support --tool diagnostics.echo --tool docs__search=search");
                return;
            }

            var table = new CliTable("NAME", "OWNER", "ENDPOINT", "TOOLS", "UPDATED");
            foreach (var t in toolsets)
            {
                table.Add(t.Name, t.TenantId ?? "global", t.Endpoint, t.Tools.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    t.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            await table.WriteAsync(cli.Output);
        });

    private static Command Show()
    {
        var name = NameOption();
        return AdminCommand.Create("show", "Show a toolset and its tools.", [name], async (parse, cli, cancellationToken) =>
        {
            var toolset = await RunAsync(() => Admin(cli).GetAsync(parse.GetValue(name)!, ToolsetScope.Operator, cancellationToken));
            await WriteAsync(cli, toolset, null);
        });
    }

    private static Command Write(string verb, string description)
    {
        var name = NameOption();
        var title = new Option<string>("--title") { Description = "A title for people choosing the endpoint." };
        var text = new Option<string>("--description") { Description = "What the toolset is for." };
        var tenant = new Option<string>("--tenant") { Description = "The owning tenant's id (create only; without it the toolset is global)." };
        var tools = new Option<string[]>("--tool") { Description = "A tool by its catalog name, optionally renamed: 'docs__search' or 'docs__search=search' (repeatable, in order)." };
        var file = new Option<string>("--file") { Description = "The toolset as JSON: {\"title\":…,\"description\":…,\"tools\":[{\"tool\":…,\"name\":…,\"title\":…,\"description\":…}]} (instead of --tool)." };
        return AdminCommand.Create(verb, description, [name, title, text, tenant, tools, file], async (parse, cli, cancellationToken) =>
        {
            var input = await InputAsync(parse.GetValue(file), parse.GetValue(tools), cancellationToken);
            input.Name = parse.GetValue(name);
            input.Title = parse.GetValue(title) ?? input.Title;
            input.Description = parse.GetValue(text) ?? input.Description;
            input.TenantId = parse.GetValue(tenant) ?? input.TenantId;
            var admin = Admin(cli);
            var saved = await RunAsync(() => verb == "create"
                ? admin.CreateAsync(input, ToolsetScope.Operator, "cli", cancellationToken)
                : admin.UpdateAsync(input.Name!, input, ToolsetScope.Operator, "cli", cancellationToken));
            await WriteAsync(cli, saved, verb == "create" ? "Created" : "Updated");
        });
    }

    private static Command Delete()
    {
        var name = NameOption();
        return AdminCommand.Create("delete", "Delete a toolset; its endpoint answers 404 on every running server.", [name], async (parse, cli, cancellationToken) =>
        {
            await RunAsync(async () =>
            {
                await Admin(cli).DeleteAsync(parse.GetValue(name)!, ToolsetScope.Operator, cancellationToken);
                return 0;
            });
            await (cli.Json ? cli.Output.WriteLineAsync("{}") : cli.Output.WriteLineAsync($"Deleted toolset '{parse.GetValue(name)}'."));
        });
    }

    private static async Task<ToolsetInput> InputAsync(string? path, string[]? tools, CancellationToken cancellationToken)
    {
        if (path is not null && tools is { Length: > 0 })
        {
            throw new AccessException("Give either --tool options or --file.", "The tools come from one place.");
        }

        if (path is null)
        {
            return new ToolsetInput
            {
                Tools = [.. (tools ?? []).Select(ParseTool)],
            };
        }

        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MaxFileBytes)
        {
            throw new AccessException(info.Exists ? $"'{path}' is larger than {MaxFileBytes} bytes." : $"No file '{path}'.", "Give the path of a JSON file describing the toolset.");
        }

        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllTextAsync(path, cancellationToken), ToolsetJsonContext.Default.ToolsetInput)
                ?? throw new AccessException($"'{path}' holds null.", ToolsetAdmin.Hint);
        }
        catch (JsonException)
        {
            throw new AccessException($"'{path}' is not a JSON object of the documented fields.", ToolsetAdmin.Hint);
        }
    }

    /// <summary>'catalog_name' or 'catalog_name=new_name'.</summary>
    private static ToolsetEntryInput ParseTool(string option)
    {
        var parts = option.Split('=', 2, StringSplitOptions.TrimEntries);
        return new ToolsetEntryInput { Tool = parts[0], Name = parts.Length > 1 ? parts[1] : null };
    }

    private static async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ToolsetException ex)
        {
            throw new AccessException(ex.Message, ex.Hint);
        }
    }

    private static async Task WriteAsync(AdminContext cli, ToolsetRecord record, string? what)
    {
        var output = ToolsetOutput.From(record);
        if (cli.Json)
        {
            await cli.Output.WriteLineAsync(JsonSerializer.Serialize(output, ToolsetJsonContext.Relaxed.ToolsetOutput));
            return;
        }

        await cli.Output.WriteLineAsync($"{(what is null ? "Toolset" : what + " toolset")} '{output.Name}' ({output.TenantId ?? "global"}), endpoint {output.Endpoint}: {output.Tools.Count} tools");
        foreach (var entry in output.Tools)
        {
            await cli.Output.WriteLineAsync(entry.Name is null ? $"  {entry.Tool}" : $"  {entry.Name} (= {entry.Tool})");
        }
    }
}
