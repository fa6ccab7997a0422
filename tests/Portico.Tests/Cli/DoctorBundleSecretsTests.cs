using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Portico.Tests.Cli;

/// <summary>
/// The support bundle (seed 000: "the exact JSON-RPC request you sent, with the Authorization token redacted") against
/// a hostile server that echoes the credential back in every form (headers, cookies, JSON-escaped bodies, a stream,
/// an HTML page, an error message) and answers OAuth-style secrets: no secret is left, also with a hostile credential.
/// </summary>
public sealed class DoctorBundleSecretsTests
{
    // Quotes, a backslash, HTML and URL characters: every escaping a server could echo it in differs from the raw text.
    private const string Hostile = "q\"u'o\\te<&>%+=;,x-SECRET-42";

    private static readonly string[] OtherSecrets = ["cs-1234567", "pw-1234567", "at-1234567", "rt-1234567", "cs-9999999", "at-9999999", "rt-9999999", "sess-7777777"];

    private static DoctorFakeServer EchoingServer()
    {
        var script = new DoctorFakeServer();
        var echo = (JsonNode? _) => DoctorFakeServer.Result(new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["serverInfo"] = new JsonObject { ["name"] = "echoing", ["version"] = "1" },
            ["you_sent"] = "Bearer " + Hostile,
            ["client_secret"] = "cs-1234567",
            ["password"] = "pw-1234567",
            ["tokens"] = new JsonObject { ["access_token"] = "at-1234567", ["refresh_token"] = "rt-1234567" },
        });
        script.Methods["initialize"] = echo;
        script.Tools["whoami"] = new JsonObject { ["credential"] = Hostile, ["note"] = $"your key is {Hostile}" };
        script.Routes["/health"] = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/html";
            context.Response.Headers.SetCookie = "session=sess-7777777; HttpOnly";
            context.Response.Headers["X-Echo"] = context.Request.Headers.Authorization.ToString() + " " + Hostile;
            await context.Response.WriteAsync($"<html><body><p>Authorization: Bearer {WebUtility.HtmlEncode(Hostile)}</p>"
                + "<pre>grant_type=refresh_token&amp;refresh_token=rt-9999999&client_secret=cs-9999999&access_token=at-9999999</pre>"
                + "<script>var t = {\"refresh_token\": \"rt-9999999\"};</script></body></html>");
        };
        return script;
    }

    private static void AssertNoSecret(string text, string what, string tail, params string[] secrets)
    {
        foreach (var secret in secrets.Concat(OtherSecrets))
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} contains '{secret}':\n{text}");
            Assert.False(text.Contains(JsonEncodedText.Encode(secret).ToString(), StringComparison.Ordinal), $"{what} contains '{secret}' JSON-escaped");
        }

        // The credential's tail in any spelling at all.
        Assert.DoesNotContain(tail, text, StringComparison.Ordinal);
    }

    /// <summary>Every string in the bundle, decoded (keys and values): what a reader of the file sees.</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [(string)value!],
        _ => [],
    };

    private static async Task<(string Bundle, string Output)> RunAsync(Uri url, string token)
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var bundle = Path.Combine(directory, "bundle.json");
            var (result, _) = await DoctorCli.RunAsync(url.ToString(), "--token", token, "--bundle", bundle);
            return (await File.ReadAllTextAsync(bundle, TestContext.Current.CancellationToken), result.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_hostile_credential_echoed_in_every_form_and_oauth_secrets_never_reach_the_bundle_or_the_report()
    {
        await using var server = await EchoingServer().StartAsync();

        var (bundle, output) = await RunAsync(server.Url("/mcp"), Hostile);

        var json = JsonNode.Parse(bundle)!;
        // The doctor did send it and the server did echo it: the bundle records those exchanges, redacted.
        Assert.Contains(json["exchanges"]!.AsArray(), e => ((string?)e!["response"]!["body"])?.Contains("\"you_sent\":\"Bearer [redacted]\"", StringComparison.Ordinal) == true);
        Assert.Contains(json["exchanges"]!.AsArray(), e => (string?)e!["request"]!["headers"]!["Authorization"] == "[redacted]");
        AssertNoSecret(bundle, "the bundle file", "SECRET-42", Hostile);
        AssertNoSecret(string.Join("\n", Strings(json)), "the bundle's decoded strings", "SECRET-42", Hostile);
        AssertNoSecret(output, "the --json report", "SECRET-42", Hostile);
        Assert.Contains("echoing", bundle, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line-one\nline-two-UNSENT-42")]
    [InlineData("\"ünïcødé-🔑-UNSENT-42\"")]
    [InlineData("Bearer\u00a0zero\u200bwidth-UNSENT-42")]
    public async Task A_credential_no_client_could_send_fails_and_is_in_neither_bundle_nor_report(string token)
    {
        await using var server = await EchoingServer().StartAsync();

        var (bundle, output) = await RunAsync(server.Url("/mcp"), token);

        var report = JsonNode.Parse(output)!;
        var credential = report["checks"]!.AsArray().Single(c => (string?)c!["name"] == "credential")!;
        Assert.Equal("FAIL", (string?)credential["status"]);
        Assert.Contains("Copy the whole token again", (string?)credential["fix"], StringComparison.Ordinal);
        // (The server's own echo of another string is not this credential; the OAuth secrets it answers are redacted.)
        AssertNoSecret(bundle, "the bundle file", "UNSENT-42", token, token.Trim('"'));
        AssertNoSecret(string.Join("\n", Strings(JsonNode.Parse(bundle))), "the bundle's decoded strings", "UNSENT-42", token);
        AssertNoSecret(output, "the --json report", "UNSENT-42", token);
    }
}
