using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Gateway;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// <c>portico upstreams credentials set | clear | list</c>: an operator stores a user's or a tenant's
/// secret for an upstream. The secret comes from stdin unless <c>--secret</c> is given (a flag ends
/// up in shell history); it is encrypted with the servers' own Data Protection keys, and running
/// servers drop sessions carrying the old one within a second.
/// </summary>
internal static class UpstreamCredentialsCommand
{
    public static Command Create()
    {
        var command = new Command("credentials", "Store or clear the per-user or per-tenant secret Portico sends to an upstream.");
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Clear());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Set()
    {
        var name = UpstreamsCommand.NameOption();
        var (user, tenant) = OwnerOptions();
        var secret = new Option<string>("--secret") { Description = "The secret (left out: read from stdin, which keeps it out of shell history)." };
        return AdminCommand.Create("set", "Store (or replace) a credential; a credential marked invalid becomes valid again.", [name, user, tenant, secret],
            async (parse, cli, cancellationToken) =>
            {
                var (kind, owner) = await OwnerAsync(parse, user, tenant, cli, cancellationToken);
                var value = parse.GetValue(secret) ?? (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n')
                    ?? throw new AccessException("No secret given.", "Pass it on stdin (echo \"$TOKEN\" | portico upstreams credentials set …) or with --secret.");
                var record = await RunAsync(parse, (store, ct) => store.SetAsync(parse.GetValue(name)!, kind, owner, value, "cli", ct), cancellationToken);
                if (cli.Json)
                {
                    await cli.WriteJsonAsync(UpstreamCredentialOutput.From(record), GatewayJsonContext.Relaxed.UpstreamCredentialOutput);
                    return;
                }

                await cli.Output.WriteLineAsync($"Stored the {kind} credential of '{owner}' for upstream '{record.Upstream}'.");
            });
    }

    private static Command Clear()
    {
        var name = UpstreamsCommand.NameOption();
        var (user, tenant) = OwnerOptions();
        return AdminCommand.Create("clear", "Remove a stored credential; calls then answer CREDENTIALS_MISSING.", [name, user, tenant], async (parse, cli, cancellationToken) =>
        {
            var (kind, owner) = await OwnerAsync(parse, user, tenant, cli, cancellationToken);
            await RunAsync(parse, async (store, ct) =>
            {
                await store.ClearAsync(parse.GetValue(name)!, kind, owner, ct);
                return true;
            }, cancellationToken);
            await (cli.Json ? cli.Output.WriteLineAsync("{}") : cli.Output.WriteLineAsync($"Cleared the {kind} credential of '{owner}' for upstream '{parse.GetValue(name)}'."));
        });
    }

    private static Command List()
    {
        var name = UpstreamsCommand.NameOption();
        return AdminCommand.Create("list", "List whose credentials are stored for an upstream (never the secrets).", [name], async (parse, cli, cancellationToken) =>
        {
            var records = await RunAsync(parse, (store, ct) => store.ListAsync(parse.GetValue(name)!, ct), cancellationToken);
            if (cli.Json)
            {
                await cli.WriteJsonAsync(records.Select(UpstreamCredentialOutput.From).ToList(), GatewayJsonContext.Relaxed.ListUpstreamCredentialOutput);
                return;
            }

            if (records.Count == 0)
            {
                await cli.Output.WriteLineAsync($"No credentials stored for '{parse.GetValue(name)}'. Store one with: portico upstreams credentials set --name {parse.GetValue(name)} --user EMAIL");
                return;
            }

            var table = new CliTable("KIND", "OWNER", "VALID", "UPDATED", "UPDATED BY");
            foreach (var r in records)
            {
                table.Add(r.OwnerKind, r.OwnerId, r.InvalidAt is null ? "yes" : $"no (401 at {r.InvalidAt:u})", r.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), r.UpdatedBy ?? "");
            }

            await table.WriteAsync(cli.Output);
        });
    }

    private static (Option<string> User, Option<string> Tenant) OwnerOptions()
        => (new Option<string>("--user") { Description = "Whose credential: a user's email or id (upstreams with --credentials user)." },
            new Option<string>("--tenant") { Description = "Whose credential: a tenant id (upstreams with --credentials tenant)." });

    private static async Task<(string Kind, string Owner)> OwnerAsync(ParseResult parse, Option<string> userOption, Option<string> tenantOption, AdminContext cli,
        CancellationToken cancellationToken)
    {
        var user = parse.GetValue(userOption);
        var tenant = parse.GetValue(tenantOption);
        if ((user is null) == (tenant is null))
        {
            throw new AccessException("Give exactly one of --user or --tenant.", "A credential belongs to one user (--user EMAIL) or one tenant (--tenant ID).");
        }

        if (tenant is not null)
        {
            return await cli.Db.Set<TenantRecord>().AnyAsync(t => t.Id == tenant, cancellationToken)
                ? (UpstreamDefinition.CredentialsTenant, tenant)
                : throw new AccessException($"No tenant '{tenant}'.", "List the tenants with 'portico tenants list'.");
        }

        if (user!.Contains('@', StringComparison.Ordinal))
        {
            return (UpstreamDefinition.CredentialsUser, (await cli.Admin.GetUserAsync(user, cancellationToken)).Id);
        }

        return await cli.Db.Set<UserRecord>().AnyAsync(u => u.Id == user, cancellationToken)
            ? (UpstreamDefinition.CredentialsUser, user)
            : throw new AccessException($"No user with id '{user}'.", "Give the user's email instead: --user EMAIL.");
    }

    /// <summary>
    /// Runs against the credential store with the store's Data Protection keys (the administrative
    /// context has no key ring of its own), so a server decrypts what the CLI encrypted.
    /// </summary>
    private static async Task<T> RunAsync<T>(ParseResult parse, Func<UpstreamCredentialStore, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        await using var cli = await CliStore.OpenAsync(parse.GetValue<string>("--store")!, cancellationToken);
        await using var scope = cli.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var time = services.GetRequiredService<TimeProvider>();
        var store = new UpstreamCredentialStore(services.GetRequiredService<PorticoDbContext>(), services.GetRequiredService<IDataProtectionProvider>(), time);
        return await action(store, cancellationToken);
    }
}
