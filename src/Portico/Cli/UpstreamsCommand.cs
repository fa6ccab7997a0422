using System.CommandLine;
using System.Text.Json;
using Portico.Access;
using Portico.Connectors;
using Portico.Gateway;
using Portico.Storage;

namespace Portico.Cli;

/// <summary><c>portico upstreams add | list | remove | test | credentials</c>. Running servers apply a change within a second.</summary>
internal static class UpstreamsCommand
{
    public static Command Create()
    {
        var command = new Command("upstreams", "Manage the upstream MCP servers Portico serves behind its endpoint.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Enable(true));
        command.Subcommands.Add(Enable(false));
        command.Subcommands.Add(Test());
        command.Subcommands.Add(UpstreamCredentialsCommand.Create());
        command.Subcommands.Add(Allow());
        return command;
    }

    private static UpstreamAdmin Admin(AdminContext cli) => new(cli.Db, cli.Time, [new ConnectorPrefixes(cli.Db)]);

    /// <summary><c>portico upstreams allow --tenant ID [--tools 'a,b*' | --clear]</c>: shows, sets or removes a tenant's upstream tool allowlist.</summary>
    private static Command Allow()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant whose members' upstream tools to restrict.", Required = true };
        var tools = new Option<string[]>("--tools") { Description = "Allowed upstream tools: catalog names or a prefix ending in '*', comma-separated (repeatable)." };
        var clear = new Option<bool>("--clear") { Description = "Remove the allowlist: members see every upstream tool again." };
        return AdminCommand.Create("allow", "Show, set (--tools) or remove (--clear) a tenant's allowlist of upstream tools.", [tenant, tools, clear], async (parse, cli, cancellationToken) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var patterns = parse.GetValue(tools);
            if (patterns is { Length: > 0 } && parse.GetValue(clear))
            {
                throw new AccessException("Give --tools or --clear, not both.", "--tools sets the allowlist; --clear removes it.");
            }

            var store = new TenantToolAllowlistStore(cli.Db, cli.Time);
            IReadOnlyList<string>? now;
            if (parse.GetValue(clear))
            {
                await store.ClearAsync(tenantId, cancellationToken);
                now = null;
            }
            else
            {
                now = patterns is { Length: > 0 } ? await store.SetAsync(tenantId, patterns, "cli", cancellationToken) : await store.GetAsync(tenantId, cancellationToken);
            }

            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(TenantToolAllowlistEndpoints.Describe(tenantId, now).ToJsonString());
                return;
            }

            await cli.Output.WriteLineAsync(now is null
                ? $"Tenant '{tenantId}' has no upstream tool allowlist: its members see every upstream tool."
                : $"Tenant '{tenantId}' allows only these upstream tools: {(now.Count == 0 ? "(none)" : string.Join(", ", now))}.");
        });
    }

    private static Command Add()
    {
        var name = NameOption();
        var url = new Option<string>("--url") { Description = "A Streamable HTTP upstream's URL." };
        var headers = new Option<string[]>("--header") { Description = "A static request header 'Name: value' (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Option<string>("--command") { Description = "A stdio upstream's command." };
        var args = new Option<string[]>("--arg") { Description = "An argument of the command (repeatable, in order)." };
        var env = new Option<string[]>("--env") { Description = "An environment variable NAME=value of the command (repeatable)." };
        var cwd = new Option<string>("--cwd") { Description = "The command's working directory." };
        var allow = new Option<string[]>("--allow") { Description = "Offer only these upstream tools (repeatable)." };
        var deny = new Option<string[]>("--deny") { Description = "Never offer these upstream tools (repeatable)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds a call may take.", DefaultValueFactory = _ => UpstreamDefinition.DefaultTimeout.TotalSeconds };
        var credentials = new Option<string>("--credentials") { Description = "Credential mode: none, tenant, user or oauth (Portico signs each user in at the upstream).", DefaultValueFactory = _ => UpstreamDefinition.CredentialsNone };
        var credentialHeader = new Option<string>("--credential-header") { Description = "The header stored credentials travel in (default Authorization)." };
        var credentialFormat = new Option<string>("--credential-format") { Description = "The header's value, {secret} where the secret goes (default 'Bearer {secret}' for Authorization, else '{secret}')." };
        var disabled = new Option<bool>("--disabled") { Description = "Store it without serving it yet." };
        var protocol = new Option<string>("--protocol") { Description = "The MCP revision it speaks: 2025-11-25 (default) or 2026-07-28.", DefaultValueFactory = _ => UpstreamDefinition.DefaultProtocol };
        return AdminCommand.Create("add", "Add an upstream (http with --url, or stdio with --command).",
            [name, url, headers, command, args, env, cwd, allow, deny, timeout, credentials, credentialHeader, credentialFormat, disabled, protocol], async (parse, cli, cancellationToken) =>
            {
                var input = new UpstreamInput
                {
                    Name = parse.GetValue(name),
                    Url = parse.GetValue(url),
                    Headers = Pairs(parse.GetValue(headers), ':', "--header", "Name: value"),
                    Command = parse.GetValue(command),
                    Args = [.. parse.GetValue(args) ?? []],
                    Env = Pairs(parse.GetValue(env), '=', "--env", "NAME=value"),
                    WorkingDirectory = parse.GetValue(cwd),
                    AllowTools = [.. parse.GetValue(allow) ?? []],
                    DenyTools = [.. parse.GetValue(deny) ?? []],
                    TimeoutSeconds = parse.GetValue(timeout),
                    CredentialMode = parse.GetValue(credentials),
                    CredentialHeader = parse.GetValue(credentialHeader),
                    CredentialFormat = parse.GetValue(credentialFormat),
                    Enabled = !parse.GetValue(disabled),
                    Protocol = parse.GetValue(protocol),
                };
                if (input.Url is not null && input.Command is not null)
                {
                    throw new AccessException("Give either --url (http) or --command (stdio), not both.", "An upstream has one transport.");
                }

                var added = await Admin(cli).AddAsync(input.ToDefinition(), cancellationToken);
                if (cli.Json)
                {
                    await cli.Output.WriteLineAsync(JsonSerializer.Serialize(UpstreamOutput.From(added), GatewayJsonContext.Relaxed.UpstreamOutput));
                    return;
                }

                await cli.Output.WriteLineAsync($"Added upstream '{added.Name}' ({added.Transport}: {added.Target}); its tools appear as {added.Name}__<tool>.");
            });
    }

    private static Command List()
        => AdminCommand.Create("list", "List the upstreams.", [], async (parse, cli, cancellationToken) =>
        {
            var upstreams = await Admin(cli).ListAsync(cancellationToken);
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(JsonSerializer.Serialize(upstreams.Select(UpstreamOutput.From).ToList(), GatewayJsonContext.Relaxed.ListUpstreamOutput));
                return;
            }

            if (upstreams.Count == 0)
            {
                await cli.Output.WriteLineAsync("No upstreams yet. Add one with: portico upstreams add --name docs --url https://example.com/mcp");
                return;
            }

            var table = new CliTable("NAME", "TRANSPORT", "TARGET", "ENABLED", "CREDENTIALS", "TIMEOUT");
            foreach (var u in upstreams)
            {
                table.Add(u.Name, u.Transport, u.Target, u.Enabled ? "yes" : "no", u.CredentialMode, $"{u.Timeout.TotalSeconds:0.#} s");
            }

            await table.WriteAsync(cli.Output);
        });

    private static Command Remove()
    {
        var name = NameOption();
        return AdminCommand.Create("remove", "Remove an upstream; its tools leave every running server.", [name], async (parse, cli, cancellationToken) =>
        {
            await Admin(cli).RemoveAsync(parse.GetValue(name)!, cancellationToken);
            await (cli.Json ? cli.Output.WriteLineAsync("{}") : cli.Output.WriteLineAsync($"Removed upstream '{parse.GetValue(name)}'."));
        });
    }

    /// <summary><c>portico upstreams enable|disable --name NAME</c>: every running server serves it again, or stops serving it, within a second.</summary>
    private static Command Enable(bool enabled)
    {
        var name = NameOption();
        return AdminCommand.Create(enabled ? "enable" : "disable",
            enabled ? "Serve a disabled upstream again (its tools come back on every running server)." : "Stop serving an upstream without removing it (its tools leave every running server; it is not health-checked).",
            [name], async (parse, cli, cancellationToken) =>
            {
                var upstream = parse.GetValue(name)!;
                var changed = await Admin(cli).SetEnabledAsync(upstream, enabled, cancellationToken);
                var state = enabled ? "enabled" : "disabled";
                await (cli.Json
                    ? cli.Output.WriteLineAsync(new System.Text.Json.Nodes.JsonObject { ["name"] = upstream, ["enabled"] = enabled, ["changed"] = changed }.ToJsonString())
                    : cli.Output.WriteLineAsync(changed ? $"Upstream '{upstream}' is now {state}." : $"Upstream '{upstream}' was already {state}."));
            });
    }

    private static Command Test()
    {
        var name = NameOption();
        return AdminCommand.Create("test", "Connect to an upstream as Portico would and list its tools.", [name], async (parse, cli, cancellationToken) =>
        {
            var upstream = await Admin(cli).GetAsync(parse.GetValue(name)!, cancellationToken);
            var output = await UpstreamTester.TestAsync(upstream, Security.OutboundHttpPolicy.Unrestricted("the CLI's upstream test"), upstream.Timeout, cancellationToken);
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(JsonSerializer.Serialize(output, GatewayJsonContext.Relaxed.UpstreamTestOutput));
            }
            else if (output.Ok && output.Error is not null)
            {
                await cli.Output.WriteLineAsync($"OK: '{output.Name}' is {output.Error}.");
            }
            else if (output.Ok)
            {
                await cli.Output.WriteLineAsync($"OK: '{output.Name}' is {output.ServerName} {output.ServerVersion}, answered in {output.LatencyMs} ms with {output.Tools.Count} tools: {string.Join(", ", output.Tools)}");
            }

            if (!output.Ok)
            {
                throw new AccessException($"Upstream '{output.Name}' cannot be reached: {output.Error}", "Check the URL or command with 'portico upstreams list', and that the upstream runs.");
            }
        });
    }

    internal static Option<string> NameOption() => new("--name") { Description = "The upstream's name (also the prefix of its tools).", Required = true };

    private static Dictionary<string, string> Pairs(string[]? items, char separator, string option, string shape)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var at = item.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new AccessException($"{option} '{item}' is not of the form {shape}.", $"Write it as {option} \"{shape}\".");
            }

            pairs[item[..at].Trim()] = item[(at + 1)..].Trim();
        }

        return pairs;
    }
}
