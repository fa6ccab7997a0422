using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Security;
using Portico.Storage;

namespace Portico.Integrations;

/// <summary>
/// The OAuth accounts tenants connected for integrations that are connected by accounts (OAuth connectors): added by the
/// portal's sign-in callback, removed in the portal, read by a call for the <c>accountId</c> it names — only within the
/// call's tenant and integration, so another tenant's account id is simply not found. Tokens are encrypted under a
/// purpose naming the row (<see cref="StoredSecrets"/>); every change goes straight to the store, so every instance sees it
/// at the next call.
/// </summary>
internal sealed partial class TenantAccountStore(PorticoDbContext db, IntegrationRegistry registry, IDataProtectionProvider protection, TimeProvider time,
    ILogger<TenantAccountStore> logger)
{
    public const int MaxLabelLength = 80;

    private const string Purpose = "Portico.Integrations.TenantAccounts.v1";

    /// <summary>Why <paramref name="label"/> cannot name an account, or null.</summary>
    public static string? LabelProblem(string label)
        => label.Trim().Length == 0 ? "The account needs a label (e.g. 'Support mailbox')."
            : label.Length > MaxLabelLength ? $"The label is longer than {MaxLabelLength} characters."
            : label.Any(char.IsControl) ? "The label contains a line break or another control character."
            : null;

    /// <summary>Stores a newly connected account; throws <see cref="AccessException"/> for an integration that takes no accounts or an unusable label.</summary>
    public async Task<TenantAccount> AddAsync(string tenantId, string integration, string label, string? subject, string tokens, string? connectedBy,
        CancellationToken cancellationToken)
    {
        RequireAccounts(integration);
        if (LabelProblem(label) is { } problem)
        {
            throw new AccessException(problem, $"Use 1 to {MaxLabelLength} characters on one line.");
        }

        var now = time.GetUtcNow();
        var id = "acc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var record = new TenantAccountRecord
        {
            Id = id,
            TenantId = tenantId,
            Integration = integration,
            Label = label.Trim(),
            Subject = subject is { Length: > 0 and <= 200 } ? subject : null,
            Tokens = StoredSecrets.Protect(protection, Purpose, tokens, tenantId, integration, id),
            Stamp = NewStamp(),
            ConnectedAt = now,
            ConnectedBy = connectedBy,
            UpdatedAt = now,
        };
        db.Set<TenantAccountRecord>().Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return TenantAccount.Of(record);
    }

    /// <summary>Disconnects an account of this tenant; false when it has none with that id for that integration.</summary>
    public async Task<bool> RemoveAsync(string tenantId, string integration, string accountId, CancellationToken cancellationToken)
        => await db.Set<TenantAccountRecord>().Where(a => a.Id == accountId && a.TenantId == tenantId && a.Integration == integration)
            .ExecuteDeleteAsync(cancellationToken) == 1;

    /// <summary>The tenant's accounts (of one integration, or all), oldest first.</summary>
    public async Task<IReadOnlyList<TenantAccount>> ListAsync(string tenantId, string? integration, CancellationToken cancellationToken)
    {
        var rows = await db.Set<TenantAccountRecord>().AsNoTracking()
            .Where(a => a.TenantId == tenantId && (integration == null || a.Integration == integration))
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.ConnectedAt).ThenBy(a => a.Id, StringComparer.Ordinal).Select(TenantAccount.Of)];
    }

    /// <summary>Whether the tenant has connected any account for the integration (what the pipeline's integration step asks).</summary>
    public Task<bool> AnyAsync(string tenantId, string integration, CancellationToken cancellationToken)
        => db.Set<TenantAccountRecord>().AnyAsync(a => a.TenantId == tenantId && a.Integration == integration, cancellationToken);

    /// <summary>
    /// The account and its decrypted tokens, only when it belongs to this tenant and integration; null otherwise — also when
    /// its ciphertext was not made for this row (copied from another), which is logged.
    /// </summary>
    public async Task<TenantAccountTokens?> FindAsync(string tenantId, string integration, string accountId, CancellationToken cancellationToken)
    {
        var record = await db.Set<TenantAccountRecord>().AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == accountId && a.TenantId == tenantId && a.Integration == integration, cancellationToken);
        if (record is null)
        {
            return null;
        }

        try
        {
            return new TenantAccountTokens(TenantAccount.Of(record), StoredSecrets.Unprotect(protection, Purpose, record.Tokens, tenantId, integration, accountId), record.Stamp);
        }
        catch (CryptographicException ex)
        {
            LogUnreadable(logger, ex, accountId, integration, tenantId);
            return null;
        }
    }

    /// <summary>
    /// Claims the refresh of the tokens stamped <paramref name="stamp"/> for <paramref name="lease"/>: true for exactly one caller on
    /// any instance (the update is the claim), false while another holds it or when the tokens changed meanwhile.
    /// </summary>
    public async Task<bool> ClaimRefreshAsync(string accountId, string stamp, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + lease;
        return await db.Set<TenantAccountRecord>()
            .Where(a => a.Id == accountId && a.Stamp == stamp && a.InvalidAt == null && (a.RefreshClaimedUntil == null || a.RefreshClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RefreshClaimedUntil, until), cancellationToken) == 1;
    }

    /// <summary>Stores refreshed tokens under a new stamp and ends the claim.</summary>
    public async Task ReplaceTokensAsync(TenantAccount account, string tenantId, string tokens, CancellationToken cancellationToken)
    {
        var ciphertext = StoredSecrets.Protect(protection, Purpose, tokens, tenantId, account.Integration, account.AccountId);
        var stamp = NewStamp();
        var now = time.GetUtcNow();
        await db.Set<TenantAccountRecord>().Where(a => a.Id == account.AccountId && a.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Tokens, ciphertext).SetProperty(a => a.Stamp, stamp)
                .SetProperty(a => a.RefreshClaimedUntil, (DateTimeOffset?)null).SetProperty(a => a.UpdatedAt, now), cancellationToken);
    }

    /// <summary>Marks the account unusable (the provider refused the refresh): calls naming it answer that it must be connected again.</summary>
    public async Task MarkInvalidAsync(string accountId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Set<TenantAccountRecord>().Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.InvalidAt, now).SetProperty(a => a.InvalidReason, reason)
                .SetProperty(a => a.RefreshClaimedUntil, (DateTimeOffset?)null).SetProperty(a => a.UpdatedAt, now), cancellationToken);
    }

    /// <summary>Ends a claim without new tokens (the provider could not be reached): the next call tries again.</summary>
    public async Task ReleaseClaimAsync(string accountId, CancellationToken cancellationToken)
        => await db.Set<TenantAccountRecord>().Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.RefreshClaimedUntil, (DateTimeOffset?)null), cancellationToken);

    private IntegrationDefinition RequireAccounts(string integration)
        => registry.Find(integration) is { Accounts: true } definition
            ? definition
            : throw new AccessException($"Integration '{integration}' is not connected with accounts.", $"Integrations connected with OAuth accounts: {AccountNames()}.");

    private string AccountNames() => string.Join(", ", registry.All.Where(d => d.Accounts).Select(d => d.Name)) is { Length: > 0 } names ? names : "none";

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning,
        Message = "The tokens of account {AccountId} ({Integration}, tenant {TenantId}) do not decrypt for that row (copied from another row, or its key is gone); treated as not connected")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string accountId, string integration, string tenantId);
}
