using System.CommandLine;
using Portico.Access;

namespace Portico.Cli;

/// <summary><c>portico keys create</c>: the only time a key's secret is printed.</summary>
internal static class KeysCreateCommand
{
    private const string StoreItNow = "Store it now, it is not shown again.";

    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The key owner's email: a user already in the store (add one with 'portico members add').", Required = true };
        var name = new Option<string>("--name") { Description = "A label to tell the user's keys apart.", DefaultValueFactory = _ => "default" };
        var tenant = new Option<string?>("--tenant") { Description = "Bind the key to one tenant the user is a member of (default: any of them)." };
        var scopes = new Option<string?>("--scopes")
        {
            Description = $"Comma-separated: all, admin, an area ({string.Join(", ", Scopes.Areas)}) or <area>.read / <area>.write (default: all).",
        };
        var expires = new Option<string?>("--expires") { Description = "30d, 12h or 90m from now, or an ISO-8601 date or time, UTC (default: never)." };
        var test = new Option<bool>("--test") { Description = "Create a ptk_test_ key instead of ptk_live_." };
        return AdminCommand.Create("create", "Create an API key and print it once.", [user, name, tenant, scopes, expires, test], async (parse, cli, cancellationToken) =>
        {
            var granted = ParseScopes(parse.GetValue(scopes));
            await RequireUserAsync(cli, parse.GetValue(user)!, parse.GetValue(tenant), cancellationToken);
            var expiresAt = CliExpiry.Parse(parse.GetValue(expires), cli.Time.GetUtcNow());
            var created = await cli.Admin.CreateKeyAsync(parse.GetValue(user)!, parse.GetValue(name)!, parse.GetValue(tenant), granted, expiresAt,
                parse.GetValue(test), cancellationToken);
            var key = created.Record;
            var email = (await cli.Db.Set<UserRecord>().FindAsync([key.UserId], cancellationToken))!.Email;
            if (cli.Json)
            {
                await cli.WriteJsonAsync(new CreatedKeyOutput(key.Id, created.Plaintext, email, key.TenantId, KeysCommand.ScopesOf(key), key.ExpiresAt),
                    CliJsonContext.Relaxed.CreatedKeyOutput);
                await cli.Error.WriteLineAsync($"The key is in the output above. {StoreItNow}");
                return;
            }

            await cli.Output.WriteLineAsync($"Created API key {key.Id} ('{key.Name}', {key.Environment}) for {email}.");
            await cli.Output.WriteLineAsync($"Tenant: {key.TenantId ?? "any of the user's"}. Scopes: {KeysCommand.DisplayScopes(KeysCommand.ScopesOf(key))}. Expires: {(key.ExpiresAt is null ? "never" : CliTable.When(key.ExpiresAt))}.");
            await cli.Output.WriteLineAsync();
            await cli.Output.WriteLineAsync($"    {created.Plaintext}");
            await cli.Output.WriteLineAsync();
            await cli.Output.WriteLineAsync($"{StoreItNow} Clients send it as 'Authorization: Bearer <key>'.");
        });
    }

    /// <summary>
    /// A mistyped email would otherwise create a new user with a working key and no tenant: the key is refused at every call and
    /// nothing says why. Users come from <c>members add</c> (or <c>users add</c>), which also gives them a tenant.
    /// </summary>
    private static async Task RequireUserAsync(AdminContext cli, string email, string? tenant, CancellationToken cancellationToken)
    {
        try
        {
            await cli.Admin.GetUserAsync(email, cancellationToken);
        }
        catch (AccessException ex) when (ex.Message.StartsWith("No user", StringComparison.Ordinal))
        {
            throw new AccessException(ex.Message.TrimEnd('.') + ", so no key was created.",
                $"Add the user to a tenant first: portico members add --tenant {tenant ?? "ID"} --user {email.Trim()} (see 'portico tenants list' for the ids).");
        }
    }

    private static IReadOnlySet<string> ParseScopes(string? list)
    {
        try
        {
            return Scopes.Parse(list);
        }
        catch (ArgumentException ex)
        {
            throw new AccessException(ex.Message, "Pass --scopes as a comma-separated list such as records.read,files, or leave it out for every area.");
        }
    }
}
