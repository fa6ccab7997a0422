using System.CommandLine;
using Portico.Access;

namespace Portico.Cli;

/// <summary><c>portico members add | remove</c>.</summary>
internal static class MembersCommand
{
    public static Command Create()
    {
        var command = new Command("members", "Add users to tenants and remove them.");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var tenantId = TenantOption();
        var user = UserOption("The member's email; the user is created if new.");
        var role = new Option<string>("--role") { Description = $"The member's role: {string.Join(", ", AccessAdmin.Roles)}.", DefaultValueFactory = _ => "member" };
        return AdminCommand.Create("add", "Add a user to a tenant, or change the role of a member.", [tenantId, user, role], async (parse, cli, cancellationToken) =>
        {
            var membership = await cli.Admin.AddMemberAsync(parse.GetValue(tenantId)!, parse.GetValue(user)!, parse.GetValue(role)!, cancellationToken);
            var email = (await cli.Db.Set<UserRecord>().FindAsync([membership.UserId], cancellationToken))!.Email;
            if (cli.Json)
            {
                await cli.WriteJsonAsync(new MembershipOutput(membership.TenantId, email, membership.Role), CliJsonContext.Relaxed.MembershipOutput);
                return;
            }

            await cli.Output.WriteLineAsync($"{email} is a member of tenant {membership.TenantId} with role {membership.Role}.");
        });
    }

    private static Command Remove()
    {
        var tenantId = TenantOption();
        var user = UserOption("The member's email.");
        return AdminCommand.Create("remove", "Remove a user from a tenant; running servers apply it within a second.", [tenantId, user], async (parse, cli, cancellationToken) =>
        {
            var member = await cli.Admin.GetUserAsync(parse.GetValue(user)!, cancellationToken);
            var tenant = parse.GetValue(tenantId)!;
            await cli.Admin.RemoveMemberAsync(tenant, member.Email, cancellationToken);
            if (cli.Json)
            {
                await cli.WriteJsonAsync(new MembershipOutput(tenant, member.Email, null), CliJsonContext.Relaxed.MembershipOutput);
                return;
            }

            await cli.Output.WriteLineAsync($"{member.Email} is no longer a member of tenant {tenant}.");
        });
    }

    private static Option<string> TenantOption() => new("--tenant") { Description = "The tenant's id (see 'portico tenants list').", Required = true };

    private static Option<string> UserOption(string description) => new("--user") { Description = description, Required = true };
}
