using System.CommandLine;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Integrations;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// <c>portico integrations set | clear | list --tenant ID</c>: an operator stores, clears or reviews a tenant's integration
/// secrets (owners and admins do the same in the portal or the admin API). The secret comes from stdin unless
/// <c>--secret</c> is given (a flag ends up in shell history); running servers take a change at the next call.
/// </summary>
internal static class IntegrationsCommand
{
    /// <param name="packs">Registers the packs whose declared integrations the commands know: the server's own list (<see cref="Program.AddPacks"/>).</param>
    public static Command Create(Action<IServiceCollection> packs)
    {
        var command = new Command("integrations", "Store, clear or list a tenant's secrets for the services its tools use.");
        command.Subcommands.Add(Set(packs));
        command.Subcommands.Add(Clear(packs));
        command.Subcommands.Add(List(packs));
        return command;
    }

    private static Command Set(Action<IServiceCollection> packs)
    {
        var tenant = TenantOption();
        var name = NameOption();
        var secret = new Option<string>("--secret") { Description = "The secret (left out: read from stdin, which keeps it out of shell history)." };
        return AdminCommand.Create("set", "Store (or replace) a tenant's secret for an integration; its tools work at the next call.", [tenant, name, secret],
            async (parse, cli, cancellationToken) =>
            {
                var value = parse.GetValue(secret) ?? (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n')
                    ?? throw new Access.AccessException("No secret given.", "Pass it on stdin (echo \"$KEY\" | portico integrations set …) or with --secret.");
                var status = await Store(cli, packs).SetAsync(parse.GetValue(tenant)!, parse.GetValue(name)!, value, "cli", cancellationToken);
                await (cli.Json
                    ? cli.Output.WriteLineAsync(IntegrationEndpoints.Describe(parse.GetValue(tenant)!, status).ToJsonString())
                    : cli.Output.WriteLineAsync($"Stored the {status.Title} secret of tenant '{parse.GetValue(tenant)}'."));
            });
    }

    private static Command Clear(Action<IServiceCollection> packs)
    {
        var tenant = TenantOption();
        var name = NameOption();
        return AdminCommand.Create("clear", "Remove a tenant's secret; its tools then answer INTEGRATION_NOT_CONFIGURED.", [tenant, name], async (parse, cli, cancellationToken) =>
        {
            if (!await Store(cli, packs).ClearAsync(parse.GetValue(tenant)!, parse.GetValue(name)!, cancellationToken))
            {
                throw new Access.AccessException($"Tenant '{parse.GetValue(tenant)}' has no '{parse.GetValue(name)}' secret stored.",
                    $"Nothing to clear; 'portico integrations list --tenant {parse.GetValue(tenant)}' shows what is configured.");
            }

            await (cli.Json ? cli.Output.WriteLineAsync("{}") : cli.Output.WriteLineAsync($"Cleared the '{parse.GetValue(name)}' secret of tenant '{parse.GetValue(tenant)}'."));
        });
    }

    private static Command List(Action<IServiceCollection> packs)
    {
        var tenant = TenantOption();
        return AdminCommand.Create("list", "List the declared integrations and which a tenant has configured (never the secrets).", [tenant], async (parse, cli, cancellationToken) =>
        {
            var statuses = await Store(cli, packs).ListAsync(parse.GetValue(tenant)!, cancellationToken);
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(new System.Text.Json.Nodes.JsonArray([.. statuses.Select(s => IntegrationEndpoints.Describe(parse.GetValue(tenant)!, s))]).ToJsonString());
                return;
            }

            if (statuses.Count == 0)
            {
                await cli.Output.WriteLineAsync("No integrations are declared by the tools this server offers.");
                return;
            }

            var table = new CliTable("NAME", "TITLE", "CONFIGURED", "UPDATED", "UPDATED BY");
            foreach (var s in statuses)
            {
                table.Add(s.Name, s.Title, s.Configured ? "yes" : "no", s.UpdatedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "", s.UpdatedBy ?? "");
            }

            await table.WriteAsync(cli.Output);
        });
    }

    private static Option<string> TenantOption() => new("--tenant") { Description = "The tenant id.", Required = true };

    private static Option<string> NameOption() => new("--name") { Description = "The integration's name ('portico integrations list' shows them).", Required = true };

    /// <summary>The store the server uses, over the integrations the server's packs declare, with the store's own Data Protection keys.</summary>
    private static TenantIntegrationStore Store(AdminContext cli, Action<IServiceCollection> packs)
    {
        var declared = new ServiceCollection();
        packs(declared);
        var registry = new IntegrationRegistry(declared.Where(d => d.ServiceType == typeof(IntegrationDefinition)).Select(d => (IntegrationDefinition)d.ImplementationInstance!),
            [Connectors.ConnectorIntegrations.From([.. cli.Db.Set<Connectors.ConnectorRecord>().AsNoTracking()])]);
        return new TenantIntegrationStore(cli.Db, registry, cli.Services.GetRequiredService<IDataProtectionProvider>(), cli.Time,
            cli.Services.GetRequiredService<ILogger<TenantIntegrationStore>>());
    }
}
