using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Portico.Identity;

namespace Portico.Gateway;

/// <summary>
/// The link a user opens to connect their account at an oauth upstream:
/// <c>/gateway/upstreams/{name}/connect?link=…</c>, where <c>link</c> is a Data Protection payload
/// naming the Portico user, the upstream and a random id, valid for <see cref="Lifetime"/>. It works
/// once (its id is spent in the store when it is opened, see <see cref="UpstreamOAuthClient.SpendLinkAsync"/>)
/// and only in a browser signed in to Portico as that user, so a link that leaks (chat, logs, a shared
/// screen) connects no one else's account. Any instance can read it (the key ring is in the store).
/// </summary>
internal sealed class UpstreamOAuthLinks(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly IDataProtector _protector = protection.CreateProtector("Portico.Gateway.UpstreamOAuth.ConnectLink.v2");

    public static string Path(string upstream) => $"/gateway/upstreams/{upstream}/connect";

    /// <summary>The absolute link for <paramref name="userId"/>, under this server's public base URL.</summary>
    public string Create(string baseUrl, string upstream, string userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = string.Join('\n', upstream, userId, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Secrets.New(""));
        var token = WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
        return $"{baseUrl.TrimEnd('/')}{Path(upstream)}?link={token}";
    }

    /// <summary>The link's user and id, or why it cannot be used.</summary>
    public UpstreamOAuthLink Read(string upstream, string? link)
    {
        if (string.IsNullOrEmpty(link))
        {
            return UpstreamOAuthLink.Refused("The link has no 'link' parameter.");
        }

        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(link)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return UpstreamOAuthLink.Refused("The link is damaged or was not made by this Portico.");
        }

        if (payload.Split('\n') is not [var linkUpstream, var userId, var expires, var id] || !long.TryParse(expires, CultureInfo.InvariantCulture, out var seconds))
        {
            return UpstreamOAuthLink.Refused("The link is damaged or was not made by this Portico.");
        }

        if (linkUpstream != upstream)
        {
            return UpstreamOAuthLink.Refused($"The link was made for upstream '{linkUpstream}', not '{upstream}'.");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expiresAt <= time.GetUtcNow()
            ? UpstreamOAuthLink.Refused($"The link expired (links are valid for {Lifetime.TotalMinutes:0} minutes).")
            : new UpstreamOAuthLink(userId, id, expiresAt, null);
    }
}
