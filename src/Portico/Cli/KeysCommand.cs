using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Cli;

/// <summary><c>portico keys create | list | revoke</c>. Secrets are printed once, by <c>create</c>, and never again.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke API keys.");
        command.Subcommands.Add(KeysCreateCommand.Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    /// <summary>Scopes as <c>--scopes</c> accepts them: <c>all</c>, an area for its read and write, the rest without the <c>portico/</c> prefix.</summary>
    public static string DisplayScopes(IEnumerable<string> scopes)
    {
        var remaining = new SortedSet<string>(scopes, StringComparer.Ordinal);
        var shown = new List<string>();
        if (Scopes.AllAreaScopes.All(remaining.Contains))
        {
            shown.Add("all");
            remaining.ExceptWith(Scopes.AllAreaScopes);
        }

        foreach (var area in Scopes.Areas.Where(a => remaining.Contains(Scopes.Read(a)) && remaining.Contains(Scopes.Write(a))))
        {
            shown.Add(area);
            remaining.ExceptWith([Scopes.Read(area), Scopes.Write(area)]);
        }

        shown.AddRange(remaining.Select(s => s.StartsWith("portico/", StringComparison.Ordinal) ? s["portico/".Length..] : s));
        return shown.Count == 0 ? "none" : string.Join(',', shown);
    }

    public static string[] ScopesOf(ApiKeyRecord key) => key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static Command List()
    {
        var user = new Option<string?>("--user") { Description = "Only this user's keys (email)." };
        return AdminCommand.Create("list", "List API keys (never their secrets) with their use.", [user], async (parse, cli, cancellationToken) =>
        {
            var email = parse.GetValue(user);
            var userId = email is null ? null : (await cli.Admin.GetUserAsync(email, cancellationToken)).Id;
            var keys = await cli.Admin.ListKeysAsync(userId, cancellationToken);
            var emails = await EmailsAsync(cli.Db, keys, cancellationToken);
            if (cli.Json)
            {
                await cli.WriteJsonAsync(keys.Select(k => ToOutput(k, emails[k.UserId])).ToList(), CliJsonContext.Relaxed.ListKeyOutput);
                return;
            }

            if (keys.Count == 0)
            {
                await cli.Output.WriteLineAsync("No API keys. Create one with: portico keys create --user EMAIL");
                return;
            }

            var table = new CliTable("ID", "NAME", "USER", "ENV", "TENANT", "SCOPES", "CREATED", "EXPIRES", "REVOKED", "LAST USED", "USES");
            foreach (var key in keys)
            {
                table.Add(key.Id, key.Name, emails[key.UserId], key.Environment, key.TenantId ?? "any", DisplayScopes(ScopesOf(key)),
                    CliTable.When(key.CreatedAt), CliTable.When(key.ExpiresAt), CliTable.When(key.RevokedAt), CliTable.When(key.LastUsedAt),
                    key.UseCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await table.WriteAsync(cli.Output);
        });
    }

    private static Command Revoke()
    {
        var id = new Option<string>("--id") { Description = "The key's id (16 hex, see 'portico keys list'), or the whole ptk_ key.", Required = true };
        return AdminCommand.Create("revoke", "Revoke an API key; running servers refuse it within a second.", [id], async (parse, cli, cancellationToken) =>
        {
            var key = await cli.Admin.RevokeKeyAsync(KeyIdOf(parse.GetValue(id)!), cancellationToken);
            if (cli.Json)
            {
                var emails = await EmailsAsync(cli.Db, [key], cancellationToken);
                await cli.WriteJsonAsync(ToOutput(key, emails[key.UserId]), CliJsonContext.Relaxed.KeyOutput);
                return;
            }

            await cli.Output.WriteLineAsync($"Revoked API key {key.Id} ('{key.Name}') at {CliTable.When(key.RevokedAt)}; running servers refuse it within a second.");
        });
    }

    private static string KeyIdOf(string value)
    {
        var trimmed = value.Trim();
        if (!ApiKeyFormat.LooksLikeKey(trimmed))
        {
            return trimmed;
        }

        return ApiKeyFormat.TryParse(trimmed, out _, out var id, out _)
            ? id
            : throw new AccessException("That is not a whole Portico API key.",
                $"Pass the id from 'portico keys list', or the whole key as it was shown: {ApiKeyFormat.ExpectedShape}.");
    }

    private static KeyOutput ToOutput(ApiKeyRecord key, string email)
        => new(key.Id, key.Name, email, key.Environment, key.TenantId, ScopesOf(key), key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, key.UseCount);

    private static async Task<Dictionary<string, string>> EmailsAsync(PorticoDbContext db, IReadOnlyCollection<ApiKeyRecord> keys, CancellationToken cancellationToken)
    {
        var userIds = keys.Select(k => k.UserId).Distinct().ToList();
        return await db.Set<UserRecord>().AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
    }
}
