using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The ES256 keys that sign access tokens. They live in the store so every instance signs and
/// validates alike; the newest signs, older ones keep validating until their tokens have expired.
/// An unknown <c>kid</c> reloads from the store, so a key made by another instance is found at once.
/// The private key is stored only as a Data Protection payload (the key ring is in the store too), so
/// a copy of the database alone cannot sign a token.
/// </summary>
internal sealed partial class SigningKeys(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time, ILogger<SigningKeys> logger) : IDisposable
{
    /// <summary>How long a key signs before a new one takes over.</summary>
    public static readonly TimeSpan RotationPeriod = TimeSpan.FromDays(30);

    /// <summary>The Data Protection purpose the private keys are protected under.</summary>
    public const string ProtectionPurpose = "Portico.Identity.SigningKeys";

    private readonly IDataProtector _protector = protection.CreateProtector(ProtectionPurpose);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<ECDsaSecurityKey> _keys = [];
    private DateTimeOffset _activeCreatedAt;

    /// <summary>When the cached list may be out of date: the active key becomes due for rotation, or a retired one stops validating.</summary>
    private DateTimeOffset _refreshAt;

    public async Task<ECDsaSecurityKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        if (_keys.Count == 0 || time.GetUtcNow() - _activeCreatedAt > RotationPeriod)
        {
            await LoadAsync(createIfDue: true, cancellationToken);
        }

        return _keys[0];
    }

    public async Task<IReadOnlyList<ECDsaSecurityKey>> GetValidationKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        // For the JWKS (no kid), the list is reloaded once it may be out of date: another instance may have rotated, and retired keys expire.
        if (_keys.Count == 0 || (kid is not null && _keys.All(k => k.KeyId != kid)) || (kid is null && time.GetUtcNow() >= _refreshAt))
        {
            await LoadAsync(createIfDue: _keys.Count == 0, cancellationToken);
        }

        return _keys;
    }

    public void Dispose()
    {
        _lock.Dispose();
        foreach (var key in _keys)
        {
            key.ECDsa.Dispose();
        }
    }

    private async Task LoadAsync(bool createIfDue, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var now = time.GetUtcNow();
            var records = await db.Set<SigningKeyRecord>().AsNoTracking().ToListAsync(cancellationToken);
            var active = records.Where(r => r.RetiredAt is null).MaxBy(r => r.CreatedAt);
            if (createIfDue && (active is null || now - active.CreatedAt > RotationPeriod))
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
                var created = new SigningKeyRecord { Id = Secrets.Base64Url(RandomNumberGenerator.GetBytes(12)), PrivateKey = _protector.Protect(pkcs8), CreatedAt = now };
                CryptographicOperations.ZeroMemory(pkcs8);
                db.Set<SigningKeyRecord>().Add(created);
                if (active is not null)
                {
                    await db.Set<SigningKeyRecord>().Where(k => k.Id == active.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, now), cancellationToken);
                    active.RetiredAt = now;
                }

                await db.SaveChangesAsync(cancellationToken);
                LogCreated(logger, created.Id);
                records.Add(created);
            }

            // Retired keys validate for one rotation period more: far longer than any access token lives.
            var usable = records.Where(r => r.RetiredAt is null || now - r.RetiredAt < RotationPeriod)
                .OrderBy(r => r.RetiredAt is null ? 0 : 1).ThenByDescending(r => r.CreatedAt).ToList();
            _keys = [.. usable.Select(ToKey)];
            _activeCreatedAt = usable.Count > 0 ? usable[0].CreatedAt : DateTimeOffset.MinValue;
            _refreshAt = usable.Select(r => (r.RetiredAt ?? r.CreatedAt) + RotationPeriod).DefaultIfEmpty(DateTimeOffset.MinValue).Min();
        }
        finally
        {
            _lock.Release();
        }
    }

    private ECDsaSecurityKey ToKey(SigningKeyRecord record)
    {
        var pkcs8 = _protector.Unprotect(record.PrivateKey);
        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = record.Id };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Created access-token signing key {KeyId}")]
    private static partial void LogCreated(ILogger logger, string keyId);
}
