using System.CommandLine;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;

namespace Portico.Cli;

/// <summary><c>portico users add | list | passwd | admin-grant | admin-revoke</c>: local accounts that sign in on the OAuth login page, and who of them are Portico administrators.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Add and list users who sign in with a password, and set their passwords.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Passwd());
        command.Subcommands.Add(Admin("admin-grant", true,
            "Make a user a Portico administrator: their OAuth sign-ins may then be granted portico/admin (the admin API, every tool)."));
        command.Subcommands.Add(Admin("admin-revoke", false,
            "Stop a user being a Portico administrator, and revoke at once their sign-ins that carry portico/admin."));
        return command;
    }

    private static Command Add()
    {
        var email = EmailOption();
        var name = new Option<string?>("--name") { Description = "The user's display name." };
        var (password, stdin) = PasswordOptions();
        var isAdmin = new Option<bool>("--admin") { Description = "Make the user a Portico administrator (may be granted portico/admin when signing in)." };
        return AdminCommand.Create("add", "Add a user with a password (or give an existing user, e.g. one with API keys, a password).", [email, name, password, stdin, isAdmin],
            async (parse, cli, cancellationToken) =>
            {
                var secret = await ReadPasswordAsync(parse, password, stdin);
                var accounts = Accounts(cli);
                var user = await accounts.AddAsync(parse.GetValue(email)!, secret, parse.GetValue(name), cancellationToken);
                if (parse.GetValue(isAdmin))
                {
                    (user, _) = await accounts.SetAdminAsync(user.Email, true, cancellationToken);
                }

                await WriteUserAsync(cli, user, $"Added {(user.IsAdmin ? "administrator" : "user")} '{user.Email}'. They can now sign in on the OAuth login page.");
            });
    }

    private static Command Admin(string name, bool grant, string description)
    {
        var email = EmailOption();
        return AdminCommand.Create(name, description, [email], async (parse, cli, cancellationToken) =>
        {
            var (user, revoked) = await Accounts(cli).SetAdminAsync(parse.GetValue(email)!, grant, cancellationToken);
            await WriteUserAsync(cli, user, grant
                ? $"'{user.Email}' is a Portico administrator: their next sign-in may be granted portico/admin."
                : $"'{user.Email}' is no longer a Portico administrator; {revoked} sign-in(s) carrying portico/admin revoked.");
        });
    }

    private static Command Passwd()
    {
        var email = EmailOption();
        var (password, stdin) = PasswordOptions();
        return AdminCommand.Create("passwd", "Set a user's password; also lifts a lockout.", [email, password, stdin], async (parse, cli, cancellationToken) =>
        {
            var secret = await ReadPasswordAsync(parse, password, stdin);
            var user = await Accounts(cli).SetPasswordAsync(parse.GetValue(email)!, secret, cancellationToken);
            await WriteUserAsync(cli, user, $"Password of '{user.Email}' changed.");
        });
    }

    private static Command List()
        => AdminCommand.Create("list", "List users, whether they have a password, and lockouts.", [], async (parse, cli, cancellationToken) =>
        {
            var users = (await Accounts(cli).ListAsync(cancellationToken)).Select(ToOutput).ToList();
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(users, CliJsonContext.Relaxed.ListUserOutput));
                return;
            }

            if (users.Count == 0)
            {
                await cli.Output.WriteLineAsync("No users yet. Add one with: portico users add --email name@example.com --password-stdin");
                return;
            }

            var table = new CliTable("ID", "EMAIL", "PASSWORD", "ADMIN", "LOCKED UNTIL", "CREATED");
            foreach (var user in users)
            {
                table.Add(user.Id, user.Email, user.HasPassword ? "set" : "-", user.IsAdmin ? "yes" : "-",
                    user.LockedUntil > cli.Time.GetUtcNow() ? CliTable.When(user.LockedUntil) : "-", CliTable.When(user.CreatedAt));
            }

            await table.WriteAsync(cli.Output);
        });

    private static UserAccounts Accounts(AdminContext cli) => new(cli.Admin, cli.Db, cli.Time, Options.Create(new IdentityOptions()));

    private static Option<string> EmailOption() => new("--email") { Description = "The user's email address (their sign-in name).", Required = true };

    private static (Option<string?> Password, Option<bool> Stdin) PasswordOptions()
        => (new Option<string?>("--password") { Description = "The password (visible in shell history: prefer --password-stdin)." },
            new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." });

    private static async Task<string> ReadPasswordAsync(ParseResult parse, Option<string?> password, Option<bool> stdin)
    {
        if (parse.GetValue(stdin))
        {
            return (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n')
                ?? throw new AccessException("No password on standard input.", "Pipe it in: echo \"$PASSWORD\" | portico users add --email … --password-stdin");
        }

        return parse.GetValue(password)
            ?? throw new AccessException("No password given.", "Pass --password-stdin and pipe the password in (or --password PASSWORD).");
    }

    private static async Task WriteUserAsync(AdminContext cli, UserRecord user, string message)
    {
        if (cli.Json)
        {
            await cli.Output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(ToOutput(user), CliJsonContext.Relaxed.UserOutput));
            return;
        }

        await cli.Output.WriteLineAsync(message);
    }

    private static UserOutput ToOutput(UserRecord user) => new(user.Id, user.Email, user.DisplayName, user.PasswordHash is not null, user.IsAdmin, user.LockedUntil, user.CreatedAt);
}
