using System.CommandLine;
using Microsoft.EntityFrameworkCore;
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
        var role = new Option<string>("--role")
        {
            Description = $"The member's role: {string.Join(", ", AccessAdmin.Roles)} (default member for a new member; pass it to change an existing member's role).",
            DefaultValueFactory = _ => "member",
        };
        return AdminCommand.Create("add", "Add a user to a tenant, or change the role of a member with an explicit --role.", [tenantId, user, role], async (parse, cli, cancellationToken) =>
        {
            var tenant = parse.GetValue(tenantId)!;
            var requested = parse.GetValue(role)!;
            var previous = await ExistingRoleAsync(cli, tenant, parse.GetValue(user)!, cancellationToken);
            // Only a role typed on the command line changes an existing member's: re-running an "add" must not demote an owner to the default.
            if (previous is not null && previous != requested && parse.GetResult(role) is not { Implicit: false })
            {
                throw new AccessException($"'{parse.GetValue(user)!.Trim()}' is already a member of tenant '{tenant}' with role {previous}; nothing was changed.",
                    $"To change the role, say which: portico members add --tenant {tenant} --user {parse.GetValue(user)!.Trim()} --role ROLE.");
            }

            var membership = await cli.Admin.AddMemberAsync(tenant, parse.GetValue(user)!, requested, cancellationToken);
            var email = (await cli.Db.Set<UserRecord>().FindAsync([membership.UserId], cancellationToken))!.Email;
            if (cli.Json)
            {
                await cli.WriteJsonAsync(new MembershipOutput(membership.TenantId, email, membership.Role), CliJsonContext.Relaxed.MembershipOutput);
                return;
            }

            var change = previous is null ? "" : previous == membership.Role ? " (unchanged)" : $" (was {previous})";
            await cli.Output.WriteLineAsync($"{email} is a member of tenant {membership.TenantId} with role {membership.Role}{change}.");
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

    private static async Task<string?> ExistingRoleAsync(AdminContext cli, string tenantId, string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var tenantExists = await cli.Db.Set<TenantRecord>().AnyAsync(t => t.Id == tenantId, cancellationToken);
        return tenantExists ? (await cli.Admin.ListMembersAsync(tenantId, cancellationToken)).FirstOrDefault(m => m.Email == normalized).Membership?.Role : null;
    }

    private static Option<string> TenantOption() => new("--tenant") { Description = "The tenant's id (see 'portico tenants list').", Required = true };

    private static Option<string> UserOption(string description) => new("--user") { Description = description, Required = true };
}
