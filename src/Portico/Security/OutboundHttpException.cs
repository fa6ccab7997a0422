using System.Net.Http;

namespace Portico.Security;

/// <summary>
/// A server-side request the outbound policy refused or cut short: a URL or address not allowed, a body
/// over the size limit, no answer in time. The message is safe to show to whoever supplied the URL: it
/// never says what a host resolves to.
/// </summary>
internal sealed class OutboundHttpException(OutboundRefusal refusal, string message) : HttpRequestException(message)
{
    public OutboundRefusal Refusal { get; } = refusal;

    /// <summary>This exception anywhere in <paramref name="exception"/>'s chain (the handler wraps what a connect callback throws).</summary>
    public static OutboundHttpException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is OutboundHttpException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
