using System.Collections.Concurrent;
using Portico.Hosting;

namespace Portico.Gateway;

/// <summary>
/// The call side of credential mode <c>oauth</c>: hands out the caller's stored access token,
/// refreshed first when it has expired (or the upstream just refused it). A refresh happens once
/// per (upstream, user) at a time, so concurrent calls never spend the same rotating refresh token
/// twice; a refused refresh marks the tokens invalid, and every later call answers with a connect
/// link without asking the upstream again.
/// </summary>
internal sealed partial class UpstreamOAuth(IServiceScopeFactory scopes, UpstreamCredentialCache credentials, TimeProvider time, ILogger<UpstreamOAuth> logger)
{
    private readonly ConcurrentDictionary<(string Upstream, string User), SemaphoreSlim> _refreshing = new();

    /// <summary>
    /// Usable tokens for the call: <paramref name="credential"/> when unexpired (and not <paramref name="refused"/>),
    /// else refreshed ones. Null with the reason when the refresh was refused (the tokens are then marked invalid).
    /// Throws when the authorization server cannot be reached (nothing is marked then).
    /// </summary>
    public async Task<(UpstreamCredential? Credential, string? Problem)> FreshAsync(UpstreamCredential credential, bool refused, CancellationToken cancellationToken)
    {
        if (!refused && !UpstreamOAuthTokens.Parse(credential.Secret).ExpiredAt(time.GetUtcNow()))
        {
            return (credential, null);
        }

        var gate = _refreshing.GetOrAdd((credential.Upstream, credential.OwnerId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another call (here or on another instance) may have refreshed meanwhile: its tokens are the ones to
            // use. Read from the store, not the cache: spending a refresh token already rotated elsewhere would
            // look like theft to the authorization server, which then revokes the whole sign-in.
            await using var scope = scopes.CreateAsyncScope();
            var current = await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>()
                .FindAsync(credential.Upstream, credential.OwnerKind, credential.OwnerId, cancellationToken);
            if (current is null || current.InvalidAt is not null)
            {
                return (null, current?.InvalidReason ?? "the tokens were removed");
            }

            if (current.Stamp != credential.Stamp)
            {
                return (current, null);
            }

            var client = scope.ServiceProvider.GetRequiredService<UpstreamOAuthClient>();
            var (tokens, error) = await client.RefreshAsync(credential.Upstream, UpstreamOAuthTokens.Parse(credential.Secret), cancellationToken);
            if (tokens is null)
            {
                var reason = $"refreshing the token was refused: {error}";
                LogRefreshRefused(logger, credential.Upstream, credential.OwnerId, error ?? "");
                await credentials.MarkInvalidAsync(credential, reason, CancellationToken.None);
                return (null, reason);
            }

            await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>()
                .SetAsync(credential.Upstream, credential.OwnerKind, credential.OwnerId, tokens.Serialize(), "oauth-refresh", CancellationToken.None);
            LogRefreshed(logger, credential.Upstream, credential.OwnerId);
            return await credentials.FindAsync(credential.Upstream, credential.OwnerKind, credential.OwnerId, cancellationToken) is { InvalidAt: null } stored
                ? (stored, null)
                : (null, "the tokens were removed");
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "Upstream {Upstream}: refreshed the OAuth tokens of user {UserId}")]
    private static partial void LogRefreshed(ILogger logger, string upstream, string userId);

    [LoggerMessage(EventId = 1231, Level = LogLevel.Warning, Message = "Upstream {Upstream}: the refresh of user {UserId}'s OAuth tokens was refused ({Error}); marked invalid")]
    private static partial void LogRefreshRefused(ILogger logger, string upstream, string userId, LogValue error);
}
