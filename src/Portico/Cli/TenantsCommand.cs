using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Cli;

/// <summary><c>portico tenants create | list | plan</c>.</summary>
internal static class TenantsCommand
{
    public static Command Create()
    {
        var command = new Command("tenants", "Create and list tenants, and change their plan.");
        command.Subcommands.Add(CreateTenant());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Plan());
        return command;
    }

    private static Command CreateTenant()
    {
        var name = new Option<string>("--name") { Description = "The tenant's display name.", Required = true };
        var plan = PlanOption();
        plan.DefaultValueFactory = _ => "basic";
        return AdminCommand.Create("create", "Create a tenant and print its id.", [name, plan], async (parse, cli, cancellationToken) =>
        {
            var tenant = await cli.Admin.CreateTenantAsync(parse.GetValue(name)!, parse.GetValue(plan)!, cancellationToken);
            if (cli.Json)
            {
                await cli.WriteJsonAsync(ToOutput(tenant, []), CliJsonContext.Relaxed.TenantOutput);
                return;
            }

            // The id alone on stdout, so TENANT=$(portico tenants create --name …) works.
            await cli.Error.WriteLineAsync($"Created tenant '{tenant.Name}' on plan {tenant.PlanKey}.");
            await cli.Output.WriteLineAsync(tenant.Id);
        });
    }

    private static Command List()
        => AdminCommand.Create("list", "List tenants with their plan and members.", [], async (parse, cli, cancellationToken) =>
        {
            var tenants = await cli.Admin.ListTenantsAsync(cancellationToken);
            var members = await LoadMembersAsync(cli.Db, null, cancellationToken);
            var output = tenants.Select(t => ToOutput(t, [.. members[t.Id]])).ToList();
            if (cli.Json)
            {
                await cli.WriteJsonAsync(output, CliJsonContext.Relaxed.ListTenantOutput);
                return;
            }

            if (output.Count == 0)
            {
                await cli.Output.WriteLineAsync("No tenants yet. Create one with: portico tenants create --name \"Team name\"");
                return;
            }

            var table = new CliTable("ID", "NAME", "PLAN", "CREATED", "MEMBERS");
            foreach (var tenant in output)
            {
                table.Add(tenant.Id, tenant.Name, tenant.Plan, CliTable.When(tenant.CreatedAt),
                    tenant.Members.Count == 0 ? "-" : string.Join(", ", tenant.Members.Select(m => $"{m.User} ({m.Role})")));
            }

            await table.WriteAsync(cli.Output);
        });

    private static Command Plan()
    {
        var tenantId = new Option<string>("--tenant") { Description = "The tenant's id (see 'portico tenants list').", Required = true };
        var plan = PlanOption();
        plan.Required = true;
        return AdminCommand.Create("plan", "Change a tenant's plan; running servers apply it within a second.", [tenantId, plan], async (parse, cli, cancellationToken) =>
        {
            var tenant = await cli.Admin.SetPlanAsync(parse.GetValue(tenantId)!, parse.GetValue(plan)!, cancellationToken);
            if (cli.Json)
            {
                var members = await LoadMembersAsync(cli.Db, tenant.Id, cancellationToken);
                await cli.WriteJsonAsync(ToOutput(tenant, [.. members[tenant.Id]]), CliJsonContext.Relaxed.TenantOutput);
                return;
            }

            var tier = Plans.Name(Plans.TierOf(tenant.PlanKey));
            await cli.Output.WriteLineAsync($"Tenant '{tenant.Name}' ({tenant.Id}) is now on plan {tenant.PlanKey}{(tier == tenant.PlanKey ? "" : $" (tier {tier})")}.");
        });
    }

    private static Option<string> PlanOption() => new("--plan") { Description = $"The billing plan: {string.Join(", ", Plans.Known)}." };

    private static TenantOutput ToOutput(TenantRecord tenant, IReadOnlyList<TenantMemberOutput> members)
        => new(tenant.Id, tenant.Name, tenant.PlanKey, tenant.CreatedAt, members);

    /// <summary>Members by tenant id, of one tenant or (null) of all.</summary>
    private static async Task<ILookup<string, TenantMemberOutput>> LoadMembersAsync(PorticoDbContext db, string? tenantId, CancellationToken cancellationToken)
    {
        var rows = await (
                from m in db.Set<MembershipRecord>()
                join u in db.Set<UserRecord>() on m.UserId equals u.Id
                where tenantId == null || m.TenantId == tenantId
                orderby u.Email
                select new { m.TenantId, u.Email, m.Role })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.TenantId, r => new TenantMemberOutput(r.Email, r.Role));
    }
}
