using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Integrations;

namespace Portico.Tools.Integrations;

/// <summary>
/// <c>list_integrations</c>: which services the tenant's tools can reach (packs' integrations and connectors' connections),
/// whether each is connected, and where a tenant owner connects it; <c>list_connected_accounts</c>: the OAuth accounts the
/// tenant connected for OAuth connectors (the <c>accountId</c>s their tools take), never their tokens. Deliberately
/// read-only: secrets and accounts are set only by people in the portal, the admin API or the CLI — no MCP tool sets,
/// connects or disconnects anything.
/// </summary>
internal sealed class IntegrationsPack(IServiceScopeFactory scopes) : IMcpPack
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "tenantId": { "type": "string", "description": "The tenant to list for, when you belong to several." }
          },
          "additionalProperties": false
        }
        """).RootElement;

    public string Name => "integrations";

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool
            {
                Name = "list_connected_accounts",
                Title = "List connected accounts",
                Description = "Lists the accounts this tenant connected for OAuth connectors (per connector: accountId, label, when it was connected, the account's "
                    + "subject at the provider when known). Pass an accountId to the connector's tools to act as that account. Read-only: accounts are connected "
                    + "and disconnected by a tenant owner or admin in the portal, never through a tool.",
                InputSchema = Schema,
                Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
            },
            Owner = Name,
            RequiredScope = Scopes.Read("integrations"),
            NeedsTenant = true,
            Handler = ListAccountsAsync,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool
            {
                Name = "list_integrations",
                Title = "List integrations",
                Description = "Lists the services this tenant's tools call (integrations and connectors), whether each is connected, what secret it needs and the "
                    + "portal page where a tenant owner or admin connects it. Read-only: connecting happens in the portal, never through a tool.",
                InputSchema = Schema,
                Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
            },
            Owner = Name,
            RequiredScope = Scopes.Read("integrations"),
            NeedsTenant = true,
            Handler = ListAsync,
        });
    }

    private async ValueTask<CallToolResult> ListAccountsAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var tenant = invocation.Tenant.Tenant!;
        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<IntegrationRegistry>();
        var accounts = (await scope.ServiceProvider.GetRequiredService<TenantAccountStore>().ListAsync(tenant.TenantId, null, cancellationToken))
            .ToLookup(a => a.Integration, StringComparer.Ordinal);
        var link = (invocation.Call.Issuer?.TrimEnd('/') ?? "") + IntegrationGate.PortalPath(tenant.TenantId);
        var connectors = registry.All.Where(d => d.Accounts).ToList();
        var text = new StringBuilder(connectors.Count == 0
            ? $"No connector on this server connects OAuth accounts (tenant '{tenant.Name}')."
            : $"Connected accounts of tenant '{tenant.Name}' (a tenant owner or admin connects more at {link}):");
        var items = new JsonArray();
        foreach (var connector in connectors)
        {
            var list = new JsonArray();
            text.Append($"\n- {connector.Name} ({connector.Title}): ");
            text.Append(accounts[connector.Name].Any() ? "" : "no account connected");
            foreach (var account in accounts[connector.Name])
            {
                text.Append($"\n  - {account.AccountId}: {account.Label}{(account.Subject is { } subject ? $" (subject {subject})" : "")}{(account.Valid ? "" : " — must be connected again")}");
                list.Add(new JsonObject
                {
                    ["accountId"] = account.AccountId,
                    ["label"] = account.Label,
                    ["connectedAt"] = account.ConnectedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["subject"] = account.Subject,
                    ["valid"] = account.Valid,
                });
            }

            items.Add(new JsonObject { ["connector"] = connector.Name, ["title"] = connector.Title, ["accounts"] = list });
        }

        return ToolResults.Structured(text.ToString(), new JsonObject { ["tenantId"] = tenant.TenantId, ["link"] = link, ["connectors"] = items });
    }

    private async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var tenant = invocation.Tenant.Tenant!;
        await using var scope = scopes.CreateAsyncScope();
        var statuses = await scope.ServiceProvider.GetRequiredService<TenantIntegrationStore>().ListAsync(tenant.TenantId, cancellationToken);
        var link = (invocation.Call.Issuer?.TrimEnd('/') ?? "") + IntegrationGate.PortalPath(tenant.TenantId);
        var text = new StringBuilder(statuses.Count == 0
            ? $"No integrations are declared on this server for tenant '{tenant.Name}'."
            : $"Integrations of tenant '{tenant.Name}' (connect them at {link}):");
        var items = new JsonArray();
        foreach (var status in statuses)
        {
            text.Append($"\n- {status.Name} ({status.Title}): {(status.Configured ? "connected" : "not connected")} — {status.Description}");
            items.Add(new JsonObject
            {
                ["name"] = status.Name,
                ["title"] = status.Title,
                ["description"] = status.Description,
                ["configured"] = status.Configured,
                ["secret"] = status.Secret,
                ["whereToGet"] = status.WhereToGet,
                ["updatedAt"] = status.UpdatedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return ToolResults.Structured(text.ToString(), new JsonObject { ["tenantId"] = tenant.TenantId, ["link"] = link, ["integrations"] = items });
    }
}
