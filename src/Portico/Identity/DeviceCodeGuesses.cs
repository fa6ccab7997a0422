using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Portico.Policy.RateLimiting;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The only way the device page finds a code by what a person typed, throttled against guessing (RFC 8628 §5.1).
/// Every look-up first takes a slot in the caller's window of the store's shared rate limits — one atomic statement,
/// global across instances — so a parallel burst gets exactly <see cref="Limit"/> look-ups; past it the page refuses
/// every code, right or wrong, until the window slides. Callers are bucketed by address: IPv4 per address (also
/// when written IPv4-mapped), IPv6 per /64, the block one subscriber usually holds. A code once found travels
/// through the sign-in and consent forms as a protected ticket, so those steps cost no further slot.
/// </summary>
internal sealed class DeviceCodeGuesses(IRateLimitStore store, IDataProtectionProvider protection, TimeProvider time)
{
    public const int Limit = 10;

    public const string TicketField = "device_ticket";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _tickets = protection.CreateProtector("Portico.Identity.DeviceTicket.v1");

    /// <summary>The pending code <paramref name="typed"/> names (null when none), or how long this caller must wait first.</summary>
    public async Task<(DeviceCodeRecord? Code, TimeSpan? Blocked)> FindAsync(HttpContext context, string typed, string? ticket, DeviceAuthorization devices)
    {
        var normalized = UserCodes.Normalize(typed);
        if (normalized is not null && Read(ticket) is { } id
            && await devices.FindPendingByIdAsync(id, context.RequestAborted) is { } found && found.UserCode == UserCodes.Hash(normalized))
        {
            return (found, null);
        }

        var slot = await store.TryAcquireAsync(Key(context.Connection.RemoteIpAddress), Limit, Window, time.GetUtcNow(), context.RequestAborted);
        if (!slot.Allowed)
        {
            return (null, TimeSpan.FromSeconds(slot.RetryAfterSeconds));
        }

        return (normalized is null ? null : await devices.FindPendingAsync(normalized, context.RequestAborted), null);
    }

    /// <summary>Proof, for the next form of this page, that <paramref name="code"/> was found already.</summary>
    public string TicketFor(DeviceCodeRecord code) => _tickets.Protect(code.Id);

    /// <summary>The bucket an address's guesses count in.</summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "device-code-guess:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"device-code-guess:{new IPAddress(bytes)}/64";
        }

        return "device-code-guess:" + address;
    }

    private string? Read(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        try
        {
            return _tickets.Unprotect(ticket);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
