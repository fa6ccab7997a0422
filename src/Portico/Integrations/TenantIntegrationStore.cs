using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Security;
using Portico.Storage;

namespace Portico.Integrations;

/// <summary>
/// Sets, clears and reports a tenant's integration secrets, and reads one for a tool's call. Secrets are encrypted under a
/// purpose naming the row (<see cref="StoredSecrets"/>). Every change is a store change (<see cref="IntegrationTopics.Secrets"/>),
/// so every instance's <see cref="TenantIntegrationCache"/> drops its copy and the next call sees it.
/// </summary>
internal sealed partial class TenantIntegrationStore(PorticoDbContext db, IntegrationRegistry registry, IDataProtectionProvider protection, TimeProvider time,
    ILogger<TenantIntegrationStore> logger)
{
    private const string Purpose = "Portico.Integrations.TenantSecrets.v1";

    public static string Subject(string tenantId, string integration) => $"{tenantId}|{integration}";

    /// <summary>Stores (or replaces) the secret; throws <see cref="AccessException"/> for an unknown tenant or integration or an unusable secret.</summary>
    public async Task<IntegrationStatus> SetAsync(string tenantId, string integration, string secret, string updatedBy, CancellationToken cancellationToken)
    {
        var definition = Require(integration);
        await RequireTenantAsync(tenantId, cancellationToken);
        if (definition.Accounts)
        {
            throw new AccessException($"{definition.Title} is connected with OAuth accounts, not a pasted secret.",
                $"A tenant owner or admin connects an account in the portal: {IntegrationGate.PortalPath(tenantId)} → 'Connect account'.");
        }

        if (StoredSecrets.Problem(secret) is { } problem)
        {
            throw new AccessException(problem,
                $"Paste the {definition.Title} secret exactly as issued, on one line ({definition.Secret}; {definition.WhereToGet}). The CLI reads it from stdin when --secret is left out.");
        }

        var now = time.GetUtcNow();
        var record = await db.Set<TenantIntegrationRecord>().FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Integration == integration, cancellationToken);
        if (record is null)
        {
            record = new TenantIntegrationRecord { TenantId = tenantId, Integration = integration, Secret = [], Stamp = "", CreatedAt = now };
            db.Set<TenantIntegrationRecord>().Add(record);
        }

        record.Secret = StoredSecrets.Protect(protection, Purpose, secret, tenantId, integration);
        record.Stamp = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        record.UpdatedAt = now;
        record.UpdatedBy = updatedBy;
        await db.SaveChangesAsync(cancellationToken);
        return IntegrationStatus.Of(definition, record);
    }

    /// <summary>Removes the secret; false when none was stored.</summary>
    public async Task<bool> ClearAsync(string tenantId, string integration, CancellationToken cancellationToken)
    {
        Require(integration);
        await RequireTenantAsync(tenantId, cancellationToken);
        var record = await db.Set<TenantIntegrationRecord>().FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Integration == integration, cancellationToken);
        if (record is null)
        {
            return false;
        }

        db.Set<TenantIntegrationRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Every declared integration and whether the tenant has configured it.</summary>
    public async Task<IReadOnlyList<IntegrationStatus>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await RequireTenantAsync(tenantId, cancellationToken);
        var stored = await db.Set<TenantIntegrationRecord>().AsNoTracking().Where(i => i.TenantId == tenantId).ToDictionaryAsync(i => i.Integration, cancellationToken);
        var accounts = (await db.Set<TenantAccountRecord>().AsNoTracking().Where(a => a.TenantId == tenantId).ToListAsync(cancellationToken))
            .ToLookup(a => a.Integration, StringComparer.Ordinal);
        return [.. registry.All.Select(d => d.Accounts ? IntegrationStatus.OfAccounts(d, [.. accounts[d.Name]]) : IntegrationStatus.Of(d, stored.GetValueOrDefault(d.Name)))];
    }

    public async Task<IntegrationStatus> GetStatusAsync(string tenantId, string integration, CancellationToken cancellationToken)
    {
        var definition = Require(integration);
        await RequireTenantAsync(tenantId, cancellationToken);
        if (definition.Accounts)
        {
            return IntegrationStatus.OfAccounts(definition,
                await db.Set<TenantAccountRecord>().AsNoTracking().Where(a => a.TenantId == tenantId && a.Integration == integration).ToListAsync(cancellationToken));
        }

        var record = await db.Set<TenantIntegrationRecord>().AsNoTracking().FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Integration == integration, cancellationToken);
        return IntegrationStatus.Of(definition, record);
    }

    /// <summary>
    /// The secret, decrypted, for a tool's call; null when none is stored — or when the stored ciphertext was not made for
    /// this tenant and integration (copied from another row), which is logged and treated as not configured.
    /// </summary>
    public async Task<string?> GetSecretAsync(string tenantId, string integration, CancellationToken cancellationToken)
    {
        var record = await db.Set<TenantIntegrationRecord>().AsNoTracking().FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Integration == integration, cancellationToken);
        if (record is null)
        {
            return null;
        }

        try
        {
            return StoredSecrets.Unprotect(protection, Purpose, record.Secret, tenantId, integration);
        }
        catch (CryptographicException ex)
        {
            LogUnreadable(logger, ex, integration, tenantId);
            return null;
        }
    }

    public Task<bool> TenantExistsAsync(string tenantId, CancellationToken cancellationToken)
        => db.Set<TenantRecord>().AnyAsync(t => t.Id == tenantId, cancellationToken);

    private IntegrationDefinition Require(string integration)
        => registry.Find(integration)
            ?? throw new AccessException($"No integration named '{integration}'.", $"Known integrations: {registry.Names}.");

    private async Task RequireTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!await TenantExistsAsync(tenantId, cancellationToken))
        {
            throw new AccessException($"No tenant '{tenantId}'.", "List the tenants with 'portico tenants list'.");
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning,
        Message = "The stored {Integration} secret of tenant {TenantId} does not decrypt for that row (copied from another row, or its key is gone); treated as not configured")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string integration, string tenantId);
}
