using System.Diagnostics;
using Portico.Security;

namespace Portico.Gateway;

/// <summary>
/// "Test" of an upstream, for the CLI and the portal alike: connect now as Portico would (no stored credential), list its
/// tools, within <c>limit</c>. Never throws for the upstream's failures: the outcome says what happened.
/// </summary>
internal static class UpstreamTester
{
    public static async Task<UpstreamTestOutput> TestAsync(UpstreamDefinition upstream, OutboundHttpPolicy policy, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long Elapsed() => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await using var session = await UpstreamConnector.ConnectAsync(upstream, null, null, policy, null, timeout.Token);
                var tools = await session.Client.ListToolsAsync(cancellationToken: timeout.Token);
                return new UpstreamTestOutput(upstream.Name, true, Elapsed(), session.Client.ServerInfo?.Name, session.Client.ServerInfo?.Version,
                    [.. tools.Select(t => t.Name).Where(upstream.Offers)], null);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new UpstreamTestOutput(upstream.Name, false, Elapsed(), null, null, [], $"no answer within {limit.TotalSeconds:0.#} s");
            }
        }
        catch (Exception ex) when (upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth && UpstreamUnauthorizedException.Find(ex) is not null)
        {
            // Without a user's token this is all that can be checked: the upstream answers, with its OAuth challenge.
            return new UpstreamTestOutput(upstream.Name, true, Elapsed(), null, null, [],
                "reachable; it answered 401 with its OAuth challenge, so its tools are listed once a user connects (a call of its tools answers with the connect link)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new UpstreamTestOutput(upstream.Name, false, Elapsed(), null, null, [], ex.Message);
        }
    }
}
