using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Security;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// Stores, reads and clears upstream credentials (one per user or per tenant and upstream). Secrets
/// are protected with Data Protection under a purpose naming the row, so ciphertext copied into
/// another row does not decrypt. Every change is a store change (<see cref="GatewayTopics.Credentials"/>), so
/// every instance drops its cached copy and the pooled sessions that carried the old secret.
/// </summary>
internal sealed class UpstreamCredentialStore(PorticoDbContext db, IDataProtectionProvider protection, TimeProvider time)
{
    public const int MaxSecretLength = StoredSecrets.MaxLength;
    private const string Purpose = "Portico.Gateway.UpstreamCredentials.v1";

    public static string Subject(string upstream, string ownerKind, string ownerId) => $"{upstream}|{ownerKind}|{ownerId}";

    public async Task<UpstreamCredentialRecord> SetAsync(string upstream, string ownerKind, string ownerId, string secret, string updatedBy, CancellationToken cancellationToken)
    {
        var definition = await RequireUpstreamAsync(upstream, ownerKind, cancellationToken);
        if (StoredSecrets.Problem(secret) is { } problem)
        {
            throw new AccessException(problem, "Send the secret exactly as the upstream expects it, on one line (the CLI reads it from stdin when --secret is left out).");
        }

        var now = time.GetUtcNow();
        var stamp = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var record = await db.Set<UpstreamCredentialRecord>().FirstOrDefaultAsync(c => c.Upstream == upstream && c.OwnerKind == ownerKind && c.OwnerId == ownerId, cancellationToken);
        if (record is null)
        {
            record = new UpstreamCredentialRecord { Upstream = definition.Name, OwnerKind = ownerKind, OwnerId = ownerId, Secret = [], Stamp = stamp, CreatedAt = now };
            db.Set<UpstreamCredentialRecord>().Add(record);
        }

        record.Secret = StoredSecrets.Protect(protection, Purpose, secret, upstream, ownerKind, ownerId);
        record.Stamp = stamp;
        record.UpdatedAt = now;
        record.UpdatedBy = updatedBy;
        record.InvalidAt = null;
        record.InvalidReason = null;
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    public async Task ClearAsync(string upstream, string ownerKind, string ownerId, CancellationToken cancellationToken)
    {
        await RequireUpstreamAsync(upstream, ownerKind, cancellationToken);
        var record = await db.Set<UpstreamCredentialRecord>().FirstOrDefaultAsync(c => c.Upstream == upstream && c.OwnerKind == ownerKind && c.OwnerId == ownerId, cancellationToken)
            ?? throw new AccessException($"No {ownerKind} credential of '{ownerId}' is stored for upstream '{upstream}'.", "Nothing to clear; 'portico upstreams credentials list' shows what is stored.");
        db.Set<UpstreamCredentialRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<UpstreamCredentialRecord?> GetRecordAsync(string upstream, string ownerKind, string ownerId, CancellationToken cancellationToken)
    {
        await RequireUpstreamAsync(upstream, ownerKind, cancellationToken);
        return await db.Set<UpstreamCredentialRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Upstream == upstream && c.OwnerKind == ownerKind && c.OwnerId == ownerId, cancellationToken);
    }

    public async Task<IReadOnlyList<UpstreamCredentialRecord>> ListAsync(string upstream, CancellationToken cancellationToken)
    {
        await GetUpstreamAsync(upstream, cancellationToken);
        return await db.Set<UpstreamCredentialRecord>().AsNoTracking().Where(c => c.Upstream == upstream).OrderBy(c => c.OwnerKind).ThenBy(c => c.OwnerId).ToListAsync(cancellationToken);
    }

    /// <summary>The credential, decrypted; null when none is stored.</summary>
    public async Task<UpstreamCredential?> FindAsync(string upstream, string ownerKind, string ownerId, CancellationToken cancellationToken)
    {
        var record = await db.Set<UpstreamCredentialRecord>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Upstream == upstream && c.OwnerKind == ownerKind && c.OwnerId == ownerId, cancellationToken);
        if (record is null)
        {
            return null;
        }

        return Decrypt(record);
    }

    private UpstreamCredential Decrypt(UpstreamCredentialRecord record)
    {
        var secret = StoredSecrets.Unprotect(protection, Purpose, record.Secret, record.Upstream, record.OwnerKind, record.OwnerId);
        return new UpstreamCredential(record.Upstream, record.OwnerKind, record.OwnerId, secret, record.Stamp, record.UpdatedAt, record.InvalidAt, record.InvalidReason);
    }

    /// <summary>
    /// The newest credential of an upstream the upstream has not refused, decrypted; null when there
    /// is none. The health monitor checks an upstream that needs credentials with it.
    /// </summary>
    public async Task<UpstreamCredential?> FindAnyValidAsync(string upstream, CancellationToken cancellationToken)
    {
        var record = await db.Set<UpstreamCredentialRecord>().AsNoTracking().TagWith(StoreMetrics.BackgroundTag)
            .Where(c => c.Upstream == upstream && c.InvalidAt == null).OrderByDescending(c => c.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
        return record is null ? null : Decrypt(record);
    }

    /// <summary>
    /// Marks the credential the upstream refused — only if it is still the one that was sent (the
    /// same stamp), so a secret re-entered meanwhile is never marked by a stale refusal.
    /// </summary>
    public async Task<bool> MarkInvalidAsync(UpstreamCredential credential, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A bulk update (only if the stamp still matches), unseen by the change tracker: recorded by hand, in one transaction.
        return await db.ExecuteRecordedAsync(token => db.Set<UpstreamCredentialRecord>()
            .Where(c => c.Upstream == credential.Upstream && c.OwnerKind == credential.OwnerKind && c.OwnerId == credential.OwnerId
                && c.Stamp == credential.Stamp && c.InvalidAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.InvalidAt, now).SetProperty(c => c.InvalidReason, reason), token),
            GatewayTopics.Credentials, [Subject(credential.Upstream, credential.OwnerKind, credential.OwnerId)], cancellationToken) > 0;
    }

    private async Task<UpstreamDefinition> RequireUpstreamAsync(string upstream, string ownerKind, CancellationToken cancellationToken)
    {
        var definition = await GetUpstreamAsync(upstream, cancellationToken);
        if (definition.CredentialMode != ownerKind)
        {
            throw new AccessException(
                definition.NeedsCredential
                    ? $"Upstream '{upstream}' takes {definition.CredentialMode} credentials, not {ownerKind} credentials."
                    : $"Upstream '{upstream}' takes no stored credentials (credential mode 'none').",
                definition.CredentialMode == UpstreamDefinition.CredentialsOAuth
                    ? $"Its users connect their own accounts in a browser: the link is in the CREDENTIALS_MISSING answer to a call of its tools ({UpstreamOAuthLinks.Path(upstream)})."
                : definition.NeedsCredential
                    ? $"Store a {definition.CredentialMode} credential instead ({(definition.CredentialMode == UpstreamDefinition.CredentialsUser ? "--user" : "--tenant")})."
                    : "An operator can re-add it with --credentials user, tenant or oauth.");
        }

        return definition;
    }

    private async Task<UpstreamDefinition> GetUpstreamAsync(string upstream, CancellationToken cancellationToken)
        => await db.Set<UpstreamRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Name == upstream, cancellationToken) is { } record
            ? UpstreamDefinition.FromRecord(record)
            : throw new AccessException($"No upstream named '{upstream}'.", "List the upstreams with 'portico upstreams list'.");
}
