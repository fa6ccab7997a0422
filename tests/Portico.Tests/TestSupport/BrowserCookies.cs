using System.Net;

namespace Portico.Tests.TestSupport;

/// <summary>
/// A browser's cookie jar for HttpClient tests. Portico's browser cookies are <c>__Host-</c> cookies (Secure), which
/// browsers send to http://localhost and 127.0.0.1 (secure contexts) but <see cref="CookieContainer"/> sends only over
/// HTTPS; this jar keeps every cookie per server (host and port) by name, and sends a server all of its own back.
/// </summary>
internal sealed class BrowserCookies : DelegatingHandler
{
    private readonly Dictionary<(string Server, string Name), string> _cookies = [];
    private string? _lastServer;

    public BrowserCookies(bool allowAutoRedirect = false)
        : base(new HttpClientHandler { AllowAutoRedirect = allowAutoRedirect, UseCookies = false })
    {
    }

    /// <summary>A cookie of the server this jar last talked to.</summary>
    public string? this[string name] { get { lock (_cookies) { return _lastServer is null ? null : _cookies.GetValueOrDefault((_lastServer, name)); } } }

    public static HttpClient Client(Uri? baseAddress = null) => new(new BrowserCookies()) { BaseAddress = baseAddress };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var server = request.RequestUri!.Authority;
        lock (_cookies)
        {
            _lastServer = server;
            var mine = _cookies.Where(c => c.Key.Server == server).Select(c => $"{c.Key.Name}={c.Value}").ToList();
            if (mine.Count > 0)
            {
                request.Headers.Remove("Cookie");
                request.Headers.Add("Cookie", string.Join("; ", mine));
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            lock (_cookies)
            {
                foreach (var header in values)
                {
                    var pair = header.Split(';', 2)[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
                    var expired = header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase) || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                    if (expired || value.Length == 0)
                    {
                        _cookies.Remove((server, name));
                    }
                    else
                    {
                        _cookies[(server, name)] = value;
                    }
                }
            }
        }

        return response;
    }
}
