using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Gateway;
using Portico.Integrations;

namespace Portico.Connectors;

/// <summary>
/// The account side of an OAuth connector's call, after the pipeline (which has checked that the tenant connected at least one
/// account): the <c>accountId</c> argument is looked up in the call's tenant only — another tenant's id, a removed account or a
/// made-up one is <c>ACCOUNT_NOT_CONNECTED</c> with a hint to call <c>list_connected_accounts</c> — and its access token is
/// handed out, refreshed first when it has expired. One refresh happens across instances: the store's claim on the tokens'
/// stamp lets exactly one caller spend the refresh token; the others wait for the new stamp and use its tokens.
/// </summary>
internal sealed partial class ConnectorAccounts(IServiceScopeFactory scopes, TimeProvider time, ILogger<ConnectorAccounts> logger)
{
    public const string NotConnected = "ACCOUNT_NOT_CONNECTED";

    /// <summary>How long a claimed refresh may take before another caller may try (the claimant crashed).</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);

    /// <summary>How often a caller waiting for another's refresh looks at the store, and how many times (real time: the other instance's refresh takes real time).</summary>
    private static readonly TimeSpan WaitStep = TimeSpan.FromMilliseconds(200);

    private const int WaitSteps = 150;

    /// <summary>The access token to send, or the tool error that answers the call instead.</summary>
    public async Task<(string? AccessToken, CallToolResult? Refusal)> AccessTokenAsync(ConnectorDefinition connector, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var tenant = invocation.Tenant.Tenant!;
        var requestId = invocation.Call.RequestId;
        var link = (invocation.Call.Issuer?.TrimEnd('/') ?? "") + IntegrationGate.PortalPath(tenant.TenantId);
        var accountId = invocation.Arguments.ValueKind == JsonValueKind.Object && invocation.Arguments.TryGetProperty(ConnectorOperation.AccountProperty, out var given)
            && given.ValueKind == JsonValueKind.String ? given.GetString()! : "";
        CallToolResult Refuse(string message) => ToolError.Result(NotConnected, message,
            $"Call list_connected_accounts for the accountIds connected for this tenant; a tenant owner or admin connects accounts in the portal: {link}",
            requestId, new JsonObject { ["connector"] = connector.Name, ["accountId"] = accountId, ["tenantId"] = tenant.TenantId, ["link"] = link });

        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<TenantAccountStore>();
        var current = await store.FindAsync(tenant.TenantId, connector.Name, accountId, cancellationToken);
        for (var step = 0; ; step++)
        {
            if (current is null)
            {
                return (null, Refuse($"No {connector.Title} account '{accountId}' is connected for tenant '{tenant.Name}'."));
            }

            if (!current.Account.Valid)
            {
                return (null, Refuse($"The {connector.Title} account '{current.Account.Label}' ({accountId}) must be connected again: {current.Account.InvalidReason}."));
            }

            var tokens = UpstreamOAuthTokens.Parse(current.Tokens);
            if (!tokens.ExpiredAt(time.GetUtcNow()))
            {
                return (tokens.AccessToken, null);
            }

            if (await store.ClaimRefreshAsync(accountId, current.Stamp, ClaimLease, cancellationToken))
            {
                return await RefreshAsync(scope.ServiceProvider, store, connector, tenant.TenantId, current, tokens, requestId, Refuse, cancellationToken);
            }

            if (step == WaitSteps)
            {
                return (null, ToolError.Result("UPSTREAM_UNAVAILABLE", $"The {connector.Title} account's tokens are being refreshed elsewhere and the refresh has not finished.",
                    "Retry in a moment.", requestId));
            }

            // Another caller (here or on another instance) refreshes these tokens: wait for its new stamp instead of spending the refresh token again.
            await Task.Delay(WaitStep, cancellationToken);
            current = await store.FindAsync(tenant.TenantId, connector.Name, accountId, cancellationToken);
        }
    }

    private async Task<(string?, CallToolResult?)> RefreshAsync(IServiceProvider services, TenantAccountStore store, ConnectorDefinition connector, string tenantId,
        TenantAccountTokens current, UpstreamOAuthTokens tokens, string requestId, Func<string, CallToolResult> refuse, CancellationToken cancellationToken)
    {
        UpstreamOAuthTokens? fresh;
        string? error;
        try
        {
            (fresh, error) = await services.GetRequiredService<ConnectorOAuth>().RefreshAsync(connector.Name, tokens, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await store.ReleaseClaimAsync(current.Account.AccountId, CancellationToken.None);
            return (null, ToolError.Result("UPSTREAM_UNAVAILABLE", $"The {connector.Title} provider could not be reached to refresh the account's token: {ex.Message}",
                "Retry later; if it persists, tell the operator.", requestId));
        }

        if (fresh is null)
        {
            var reason = $"the provider refused to refresh its token ({error})";
            LogRefreshRefused(logger, connector.Name, current.Account.AccountId, error ?? "");
            await store.MarkInvalidAsync(current.Account.AccountId, reason, CancellationToken.None);
            return (null, refuse($"The {connector.Title} account '{current.Account.Label}' ({current.Account.AccountId}) must be connected again: {reason}."));
        }

        await store.ReplaceTokensAsync(current.Account, tenantId, fresh.Serialize(), CancellationToken.None);
        LogRefreshed(logger, connector.Name, current.Account.AccountId);
        return (fresh.AccessToken, null);
    }

    [LoggerMessage(EventId = 1812, Level = LogLevel.Information, Message = "Connector {Connector}: refreshed the tokens of account {AccountId}")]
    private static partial void LogRefreshed(ILogger logger, string connector, string accountId);

    [LoggerMessage(EventId = 1813, Level = LogLevel.Warning, Message = "Connector {Connector}: the provider refused to refresh account {AccountId} ({Error}); marked invalid")]
    private static partial void LogRefreshRefused(ILogger logger, string connector, string accountId, string error);
}
