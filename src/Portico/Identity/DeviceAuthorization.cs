using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Hosting;
using Portico.Mcp;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The Device Authorization Grant (RFC 8628) over the store: start an authorization, let a signed-in
/// user approve or deny it by its user code, and answer each poll with <c>authorization_pending</c>,
/// <c>slow_down</c>, <c>expired_token</c>, <c>access_denied</c> or, once, a grant. Device and user codes
/// are kept only as SHA-256; every state change is a conditional update, so instances never race.
/// </summary>
internal sealed partial class DeviceAuthorization(PorticoDbContext db, TokenIssuer issuer, TimeProvider time, IOptions<IdentityOptions> options,
    ILogger<DeviceAuthorization> logger)
{
    /// <summary>RFC 8628 3.5: each <c>slow_down</c> raises the interval by five seconds.</summary>
    public const int SlowDownSeconds = 5;

    /// <param name="sessionId">The MCP session signing itself in (the <c>authenticate</c> tool); null for a device client.</param>
    /// <param name="sessionClient">What that session's client says it is (<c>clientInfo</c>), shown on the device page.</param>
    public async Task<IssuedDeviceCode> StartAsync(string clientId, IReadOnlySet<string> scopes, string resource, string? sessionId, (string? Name, string? Version) sessionClient,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        // Codes past their expiry are of no use, except a redeemed row of a session: it is that session's sign-in, and the
        // session sweeper (Mcp.SessionAuthorizations.ForgetEndedAsync) deletes it when the session ends.
        await db.Set<DeviceCodeRecord>().Where(d => d.ExpiresAt <= now && (d.Status != DeviceFlow.Used || d.SessionId == null))
            .ExecuteDeleteAsync(cancellationToken);
        if (sessionId is not null)
        {
            // A session signs in with its latest authenticate call; an earlier code of it left open would only mislead the user.
            await db.Set<DeviceCodeRecord>().Where(d => d.SessionId == sessionId && d.Status != DeviceFlow.Used).ExecuteDeleteAsync(cancellationToken);
        }

        string userCode;
        string userCodeHash;
        do
        {
            userCode = UserCodes.New();
            userCodeHash = UserCodes.Hash(UserCodes.Normalize(userCode)!);
        }
        while (await db.Set<DeviceCodeRecord>().AnyAsync(d => d.UserCode == userCodeHash, cancellationToken));

        var deviceCode = Secrets.New("pdc_");
        db.Set<DeviceCodeRecord>().Add(new DeviceCodeRecord
        {
            Id = Secrets.HashHex(deviceCode),
            UserCode = userCodeHash,
            ClientId = clientId,
            Scopes = OAuthScopes.Format(scopes),
            Resource = resource,
            Status = DeviceFlow.Pending,
            SessionId = sessionId,
            SessionClientName = Clip(sessionClient.Name),
            SessionClientVersion = Clip(sessionClient.Version),
            IntervalSeconds = settings.DevicePollIntervalSeconds,
            CreatedAt = now,
            ExpiresAt = now + settings.DeviceCodeLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedDeviceCode(deviceCode, userCode, (int)settings.DeviceCodeLifetime.TotalSeconds, settings.DevicePollIntervalSeconds);
    }

    public Task<DeviceCodeRecord?> FindAsync(string deviceCode, CancellationToken cancellationToken)
    {
        var id = Secrets.HashHex(deviceCode);
        return db.Set<DeviceCodeRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

    /// <summary>The latest device authorization the <c>authenticate</c> tool started for an MCP session.</summary>
    public Task<DeviceCodeRecord?> FindForSessionAsync(string sessionId, CancellationToken cancellationToken)
        => db.Set<DeviceCodeRecord>().AsNoTracking().Where(d => d.SessionId == sessionId).OrderByDescending(d => d.CreatedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>A pending, unexpired authorization by the code a person typed; null when there is none.</summary>
    public Task<DeviceCodeRecord?> FindPendingAsync(string normalizedUserCode, CancellationToken cancellationToken)
    {
        var hash = UserCodes.Hash(normalizedUserCode);
        var now = time.GetUtcNow();
        return db.Set<DeviceCodeRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.UserCode == hash && d.Status == DeviceFlow.Pending && d.ExpiresAt > now, cancellationToken);
    }

    /// <summary>A pending, unexpired authorization by its id (the SHA-256 of its device code); null when there is none.</summary>
    public Task<DeviceCodeRecord?> FindPendingByIdAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Set<DeviceCodeRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.Status == DeviceFlow.Pending && d.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Records the user's answer; false when the code stopped being pending meanwhile (expired, or answered in another tab).</summary>
    public async Task<bool> DecideAsync(DeviceCodeRecord code, string userId, bool approve, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var status = approve ? DeviceFlow.Approved : DeviceFlow.Denied;
        var decided = await db.Set<DeviceCodeRecord>().Where(d => d.Id == code.Id && d.Status == DeviceFlow.Pending && d.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.UserId, userId), cancellationToken) == 1;
        if (decided)
        {
            LogDecided(logger, userId, status, code.ClientId);
        }

        return decided;
    }

    /// <summary>
    /// One poll (RFC 8628 3.4/3.5). Throws the <see cref="OAuthException"/> the poll answers; once the
    /// user approved, redeems the code exactly once and returns the new grant (saved) and, if asked, its refresh token.
    /// </summary>
    public async Task<(OAuthGrantRecord Grant, string? RefreshToken)> PollAsync(DeviceCodeRecord code, bool withRefreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (code.Status == DeviceFlow.Used)
        {
            throw OAuthException.InvalidGrant("The device code was already redeemed: device codes are single-use. Start a new device authorization.");
        }

        if (code.ExpiresAt <= now)
        {
            throw new OAuthException("expired_token",
                $"The device code expired: it was valid for {(int)(code.ExpiresAt - code.CreatedAt).TotalSeconds} seconds and was not approved in time. Start a new device authorization.");
        }

        if (code.Status == DeviceFlow.Denied)
        {
            throw new OAuthException("access_denied", "The user denied the request on the device page.");
        }

        if (code.LastPolledAt is { } last && now - last < TimeSpan.FromSeconds(code.IntervalSeconds))
        {
            var slower = code.IntervalSeconds + SlowDownSeconds;
            await db.Set<DeviceCodeRecord>().Where(d => d.Id == code.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IntervalSeconds, slower).SetProperty(d => d.LastPolledAt, now), cancellationToken);
            code.IntervalSeconds = slower;
            code.LastPolledAt = now;
            throw new OAuthException("slow_down",
                $"Polling too fast: the interval is now {slower} seconds (raised by {SlowDownSeconds} s). Wait at least that long between requests.");
        }

        await db.Set<DeviceCodeRecord>().Where(d => d.Id == code.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.LastPolledAt, now), cancellationToken);
        code.LastPolledAt = now;
        if (code.Status != DeviceFlow.Approved)
        {
            throw new OAuthException("authorization_pending",
                $"The user has not approved yet. Keep polling every {code.IntervalSeconds} seconds until {code.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}.");
        }

        var grant = await issuer.NewGrantAsync(db, code.ClientId, code.UserId, code.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), code.Resource, actingForItself: false, cancellationToken);
        var refresh = withRefreshToken ? issuer.NewRefreshToken(db, grant) : null;
        // The redeemed row keeps the grant (a session's sign-in), under a user code nobody can type, so the code can be issued again.
        var retiredUserCode = "redeemed:" + code.Id;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Set<DeviceCodeRecord>().Where(d => d.Id == code.Id && d.Status == DeviceFlow.Approved)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeviceFlow.Used).SetProperty(d => d.GrantId, grant.Id).SetProperty(d => d.UserCode, retiredUserCode),
                cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            throw OAuthException.InvalidGrant("The device code was already redeemed: device codes are single-use. Start a new device authorization.");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        code.Status = DeviceFlow.Used;
        code.GrantId = grant.Id;
        return (grant, refresh);
    }

    /// <summary>Registers the built-in public client of the <c>authenticate</c> tool on first use (on any instance; a racing instance's insert wins).</summary>
    public async Task EnsureSessionClientAsync(CancellationToken cancellationToken)
    {
        if (await db.Set<OAuthClientRecord>().AnyAsync(c => c.Id == DeviceFlow.SessionClientId, cancellationToken))
        {
            return;
        }

        db.Set<OAuthClientRecord>().Add(new OAuthClientRecord
        {
            Id = DeviceFlow.SessionClientId,
            Name = ClientNames.SessionClientName,
            AuthMethod = "none",
            OperatorRegistered = true,
            RedirectUris = "",
            GrantTypes = DeviceFlow.GrantType,
            CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.Set<OAuthClientRecord>().AnyAsync(c => c.Id == DeviceFlow.SessionClientId, cancellationToken))
            {
                throw;
            }
        }
    }

    private static string? Clip(string? value) => value is { Length: > 200 } ? value[..200] : value;

    [LoggerMessage(EventId = 730, Level = LogLevel.Information, Message = "User {UserId} {Decision} a device authorization of client {ClientId}")]
    private static partial void LogDecided(ILogger logger, string userId, string decision, LogValue clientId);
}
