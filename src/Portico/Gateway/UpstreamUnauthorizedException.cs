using System.Net;

namespace Portico.Gateway;

/// <summary>
/// An upstream answered HTTP 401: the credential Portico sent (stored or static) is not accepted.
/// Thrown by <see cref="UnauthorizedDetector"/> so the answer is told apart from an unreachable
/// upstream, and never retried on a fresh session (the same credential would be refused again).
/// </summary>
internal sealed class UpstreamUnauthorizedException(string? challenge)
    : Exception(challenge is { Length: > 0 } ? $"The upstream answered 401 Unauthorized ({challenge})." : "The upstream answered 401 Unauthorized.")
{
    public string? Challenge { get; } = challenge;

    /// <summary>This exception anywhere in <paramref name="exception"/>'s chain (the SDK may wrap transport failures).</summary>
    public static UpstreamUnauthorizedException? Find(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case UpstreamUnauthorizedException unauthorized:
                    return unauthorized;
                case AggregateException aggregate when aggregate.InnerExceptions.Select(Find).FirstOrDefault(e => e is not null) is { } inner:
                    return inner;
                case HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } http:
                    return new UpstreamUnauthorizedException(http.Message);
            }
        }

        return null;
    }
}
