using System.CommandLine;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Policy.Approvals;

namespace Portico.Cli;

/// <summary>
/// <c>portico approvals list | approve | deny</c>: an operator reviews and decides approval-gated calls on the store, as
/// a Portico administrator (owners and admins do the same in the portal's Approvals page or the admin API). A decision is
/// the same conditional update the portal makes: one decision lands, a second is refused.
/// </summary>
internal static class ApprovalsCommand
{
    /// <summary>Who the CLI decides as: an operator of the store, so a Portico administrator.</summary>
    private static readonly Principal Operator = new() { Id = "cli", Kind = "cli", Email = "cli", Scopes = new HashSet<string>([Scopes.Admin], StringComparer.Ordinal) };

    public static Command Create()
    {
        var command = new Command("approvals", "List, approve or deny tool calls waiting for approval.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Decide("approve", "Approve a waiting call: it runs once, as its caller, with exactly its stored arguments.", approve: true));
        command.Subcommands.Add(Decide("deny", "Deny a waiting call: it ends with APPROVAL_DENIED and never runs.", approve: false));
        return command;
    }

    private static Command List()
    {
        var status = new Option<string>("--status") { Description = "pending (the default), approved, denied, expired, cancelled or all." };
        return AdminCommand.Create("list", "List approval requests with their tool, caller, tenant and arguments.", [status], async (parse, cli, cancellationToken) =>
        {
            var wanted = parse.GetValue(status) ?? ApprovalStatuses.Pending;
            if (wanted is not ("all" or ApprovalStatuses.Pending or ApprovalStatuses.Approved or ApprovalStatuses.Denied or ApprovalStatuses.Expired or ApprovalStatuses.Cancelled))
            {
                throw new AccessException($"Unknown status '{wanted}'.", "Use pending, approved, denied, expired, cancelled or all.");
            }

            var approvals = await Store(cli).ListAsync(Operator, wanted == "all" ? null : wanted, cancellationToken);
            if (cli.Json)
            {
                await cli.Output.WriteLineAsync(new JsonArray([.. approvals.Select(ApprovalEndpoints.Describe)]).ToJsonString());
                return;
            }

            if (approvals.Count == 0)
            {
                await cli.Output.WriteLineAsync($"No {(wanted == "all" ? "" : wanted + " ")}approval requests.");
                return;
            }

            var table = new CliTable("ID", "STATUS", "TOOL", "TENANT", "CALLER", "REQUESTED", "ARGUMENTS");
            foreach (var a in approvals)
            {
                table.Add(a.Id, a.Status, a.Tool, a.TenantId ?? "", a.OwnerEmail ?? a.OwnerId, a.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), a.Arguments);
            }

            await table.WriteAsync(cli.Output);
        });
    }

    private static Command Decide(string name, string description, bool approve)
    {
        var id = new Option<string>("--id") { Description = "The approval id (apr_…), as 'portico approvals list' shows it.", Required = true };
        return AdminCommand.Create(name, description, [id], async (parse, cli, cancellationToken) =>
        {
            var approvalId = parse.GetValue(id)!;
            var store = Store(cli);
            switch (await store.DecideAsync(approvalId, Operator, approve, cancellationToken))
            {
                case ApprovalDecision.Decided:
                    await (cli.Json
                        ? cli.Output.WriteLineAsync(ApprovalEndpoints.Describe((await store.FindAsync(approvalId, cancellationToken))!).ToJsonString())
                        : cli.Output.WriteLineAsync(approve ? $"Approved {approvalId}: the call runs once, as its caller." : $"Denied {approvalId}: the call ends with APPROVAL_DENIED."));
                    break;
                case ApprovalDecision.AlreadyDecided:
                    throw new AccessException($"Approval {approvalId} was decided already, expired or was cancelled; nothing changed.", "'portico approvals list' shows the requests still waiting.");
                default:
                    throw new AccessException($"No approval {approvalId}.", "'portico approvals list' shows the requests still waiting.");
            }
        });
    }

    private static ApprovalStore Store(AdminContext cli) => new(cli.Services.GetRequiredService<IServiceScopeFactory>(), cli.Time);
}
