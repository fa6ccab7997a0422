using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Portico.Gateway;

/// <summary>
/// The link a user opens to connect their account at an oauth upstream:
/// <c>/gateway/upstreams/{name}/connect?link=…</c>, where <c>link</c> is a Data Protection payload
/// naming the Portico user and the upstream, valid for <see cref="Lifetime"/>. It is handed out only
/// in answers to that user's own calls, so opening it needs no Portico sign-in in the browser; any
/// instance can read it (the key ring is in the store).
/// </summary>
internal sealed class UpstreamOAuthLinks(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly IDataProtector _protector = protection.CreateProtector("Portico.Gateway.UpstreamOAuth.ConnectLink.v1");

    public static string Path(string upstream) => $"/gateway/upstreams/{upstream}/connect";

    /// <summary>The absolute link for <paramref name="userId"/>, under this server's public base URL.</summary>
    public string Create(string baseUrl, string upstream, string userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = string.Join('\n', upstream, userId, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var token = WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
        return $"{baseUrl.TrimEnd('/')}{Path(upstream)}?link={token}";
    }

    /// <summary>The user a link was made for, or why it cannot be used.</summary>
    public (string? UserId, string? Problem) Read(string upstream, string? link)
    {
        if (string.IsNullOrEmpty(link))
        {
            return (null, "The link has no 'link' parameter.");
        }

        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(link)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return (null, "The link is damaged or was not made by this Portico.");
        }

        if (payload.Split('\n') is not [var linkUpstream, var userId, var expires] || !long.TryParse(expires, CultureInfo.InvariantCulture, out var seconds))
        {
            return (null, "The link is damaged or was not made by this Portico.");
        }

        if (linkUpstream != upstream)
        {
            return (null, $"The link was made for upstream '{linkUpstream}', not '{upstream}'.");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds) <= time.GetUtcNow()
            ? (null, $"The link expired (links are valid for {Lifetime.TotalMinutes:0} minutes).")
            : (userId, null);
    }
}
