using Portico.Policy.Audit;

namespace Portico.Tests.Policy;

/// <summary>A request id pasted into the audit search, however it came: alone, padded, or inside the text that carried it.</summary>
public sealed class AuditRequestIdTests
{
    [Theory]
    [InlineData("0a1b2c3d4e5f60718293a4b5", "0a1b2c3d4e5f60718293a4b5")]
    [InlineData("  0a1b2c3d4e5f60718293a4b5 \n", "0a1b2c3d4e5f60718293a4b5")]
    [InlineData("\"0a1b2c3d4e5f60718293a4b5\"", "0a1b2c3d4e5f60718293a4b5")]
    [InlineData("Rate limit reached for 'ping'.\n(request id: 0a1b2c3d4e5f60718293a4b5)", "0a1b2c3d4e5f60718293a4b5")]
    [InlineData("(Request ID: proxy-7.abc:9)", "proxy-7.abc:9")]
    [InlineData("request id 0a1b.", "0a1b")]
    public void The_id_is_found_in_what_was_pasted(string pasted, string expected)
        => Assert.Equal(expected, AuditSearch.RequestIdFrom(pasted));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("()")]
    [InlineData("(request id: )")]
    public void Text_without_an_id_has_none(string pasted)
        => Assert.Null(AuditSearch.RequestIdFrom(pasted));
}
