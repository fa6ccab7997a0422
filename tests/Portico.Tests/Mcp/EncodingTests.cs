using System.Net;
using System.Text;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>A body that is not UTF-8, or names a character that does not exist, is a parse error (400, -32700) — never a 500.</summary>
public sealed class EncodingTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    public static TheoryData<string> InvalidSequences => new()
    {
        "C328",     // a two-byte lead followed by an ASCII byte
        "FF",       // never valid in UTF-8
        "C0AF",     // overlong '/'
        "E080AF",   // overlong '/' in three bytes
        "F08282AC", // overlong '€' in four bytes
        "EDA080",   // the surrogate U+D800 encoded raw
        "F4908080", // beyond U+10FFFF
    };

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public async Task Invalid_UTF8_in_the_method_is_a_parse_error(string hex)
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostBytesAsync(Body("""{"jsonrpc":"2.0","id":1,"method":"tools/""", hex, "\"}"), session);

        AssertParseError(response, "not valid UTF-8");
    }

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public async Task Invalid_UTF8_in_the_arguments_is_a_parse_error(string hex)
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostBytesAsync(Body("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{"message":"a""", hex, "\"}}}"), session);

        AssertParseError(response, "not valid UTF-8");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/\ud800"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{"message":"\udc00"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{"\ud83d":"x"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"tools/list"}""")]
    public async Task An_escaped_lone_surrogate_is_a_parse_error(string body)
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostAsync(body, session);

        AssertParseError(response, "unpaired surrogate");
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_and_raw_UTF8_are_fine()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        var response = await mcp.PostBytesAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{"message":"\ud83d\ude00 € 😀"}}}"""), session);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("😀 € 😀", (string?)response.Final["result"]!["content"]![0]!["text"]);
    }

    private static byte[] Body(string before, string hex, string after)
        => [.. Encoding.UTF8.GetBytes(before), .. Convert.FromHexString(hex), .. Encoding.UTF8.GetBytes(after)];

    private static void AssertParseError(McpHttpResponse response, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/json", response.ContentType);
        var error = response.Single["error"]!;
        Assert.Equal(-32700, (int)error["code"]!);
        Assert.Contains(message, (string?)error["message"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["data"]?["hint"]), "every error carries a hint");
    }
}
