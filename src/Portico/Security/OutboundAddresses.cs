using System.Net;
using System.Net.Sockets;

namespace Portico.Security;

/// <summary>
/// Which IP addresses are on the public internet. Everything else — loopback, private, shared (CGNAT),
/// link-local (cloud metadata at 169.254.169.254), unique-local, multicast, unspecified, documentation
/// and reserved ranges — is the server's own network as far as a URL from outside is concerned. IPv6
/// forms that carry an IPv4 address (mapped <c>::ffff:a.b.c.d</c>, compatible <c>::a.b.c.d</c>, NAT64
/// <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) are judged by that IPv4 address, so no spelling reaches 127.0.0.1.
/// </summary>
internal static class OutboundAddresses
{
    private static readonly (byte[] Prefix, int Bits)[] NonPublicV4 = Ranges(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");

    /// <summary>Within global unicast (2000::/3): IETF protocol assignments (Teredo included), documentation, and NAT64 for local use.</summary>
    private static readonly (byte[] Prefix, int Bits)[] NonPublicV6 = Ranges("2001::/23", "2001:db8::/32", "3fff::/20", "64:ff9b:1::/48");

    private static readonly (byte[] Prefix, int Bits) GlobalUnicast = Ranges("2000::/3")[0];

    public static bool IsPublic(IPAddress address)
    {
        if (EmbeddedIPv4(address) is { } v4)
        {
            address = v4;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? !NonPublicV4.Any(r => InRange(bytes, r))
            : InRange(bytes, GlobalUnicast) && !NonPublicV6.Any(r => InRange(bytes, r));
    }

    /// <summary>Addresses no setting makes a destination: unspecified (0.0.0.0 reaches the host itself on Linux), multicast and broadcast.</summary>
    public static bool IsNeverAllowed(IPAddress address)
    {
        if (EmbeddedIPv4(address) is { } v4)
        {
            address = v4;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? bytes[0] == 0 || bytes[0] >= 224
            : address.Equals(IPAddress.IPv6Any) || bytes[0] == 0xff;
    }

    /// <summary>The IPv4 address an IPv6 address stands for, if it is one of the forms that embed one.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        // ::a.b.c.d, the deprecated IPv4-compatible form (:: and ::1 are themselves: unspecified and loopback).
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        // 64:ff9b::/96, the well-known NAT64 prefix: a NAT64 gateway forwards it to the embedded IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        // 2002:a.b.c.d::/48, 6to4.
        return b[0] == 0x20 && b[1] == 0x02 ? new IPAddress(b.AsSpan(2, 4)) : null;
    }

    private static bool InRange(byte[] address, (byte[] Prefix, int Bits) range)
    {
        if (address.Length != range.Prefix.Length)
        {
            return false;
        }

        var whole = range.Bits / 8;
        if (!address.AsSpan(0, whole).SequenceEqual(range.Prefix.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = range.Bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xff << (8 - rest));
        return (address[whole] & mask) == (range.Prefix[whole] & mask);
    }

    private static (byte[] Prefix, int Bits)[] Ranges(params string[] cidrs)
        => [.. cidrs.Select(c => c.Split('/') is [var ip, var bits]
            ? (IPAddress.Parse(ip).GetAddressBytes(), int.Parse(bits, System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException(c))];
}
