using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The ES256 keys that sign access tokens. They live in the store so every instance signs and
/// validates alike; the newest signs, older ones keep validating until their tokens have expired.
/// An unknown <c>kid</c> reloads from the store, so a key made by another instance is found at once.
/// </summary>
internal sealed partial class SigningKeys(IServiceScopeFactory scopes, TimeProvider time, ILogger<SigningKeys> logger) : IDisposable
{
    /// <summary>How long a key signs before a new one takes over.</summary>
    public static readonly TimeSpan RotationPeriod = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<ECDsaSecurityKey> _keys = [];
    private DateTimeOffset _activeCreatedAt;

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
        if (_keys.Count == 0 || (kid is not null && _keys.All(k => k.KeyId != kid)))
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
            var records = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            var active = records.Where(r => r.RetiredAt is null).MaxBy(r => r.CreatedAt);
            if (createIfDue && (active is null || now - active.CreatedAt > RotationPeriod))
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var created = new SigningKeyRecord { Id = Secrets.Base64Url(RandomNumberGenerator.GetBytes(12)), PrivateKey = ecdsa.ExportPkcs8PrivateKey(), CreatedAt = now };
                db.SigningKeys.Add(created);
                if (active is not null)
                {
                    await db.SigningKeys.Where(k => k.Id == active.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, now), cancellationToken);
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
        }
        finally
        {
            _lock.Release();
        }
    }

    private static ECDsaSecurityKey ToKey(SigningKeyRecord record)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(record.PrivateKey, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = record.Id };
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Created access-token signing key {KeyId}")]
    private static partial void LogCreated(ILogger logger, string keyId);
}
