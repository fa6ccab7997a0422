using System.Net;
using Portico.Security;

namespace Portico.Tests.Security;

public sealed class OutboundAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    public void Addresses_of_the_servers_own_network_in_any_spelling_are_not_public(string address)
        => Assert.False(OutboundAddresses.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80e::200e")]
    public void Public_addresses_are_public(string address)
        => Assert.True(OutboundAddresses.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("::ffff:0.0.0.0", true)]
    [InlineData("239.1.1.1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    public void Unspecified_and_multicast_addresses_are_never_destinations(string address, bool never)
        => Assert.Equal(never, OutboundAddresses.IsNeverAllowed(IPAddress.Parse(address)));
}
