using System.Net;

namespace Portico.Gateway;

/// <summary>Turns an upstream's HTTP 401 into <see cref="UpstreamUnauthorizedException"/>, whatever the SDK transport would make of it.</summary>
internal sealed class UnauthorizedDetector(HttpMessageHandler inner) : DelegatingHandler(inner)
{

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.ToString();
        response.Dispose();
        throw new UpstreamUnauthorizedException(challenge);
    }
}
