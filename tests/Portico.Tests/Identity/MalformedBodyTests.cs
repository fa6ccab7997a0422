using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// Bodies no client should send — bytes that are not UTF-8, escapes of lone surrogates, broken multipart, too many
/// form fields — get a 400 RFC 6749 error naming what is wrong on every <c>/oauth</c> endpoint that reads a body, never a 500.
/// </summary>
public sealed class MalformedBodyTests
{
    public static TheoryData<string> RegistrationBodies => new()
    {
        "{\"client_name\":\"Evil \xFF\xFE app\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"}",
        "{\"client_name\":\"Evil \\ud800 app\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"}",
        "{\"client_name\":\"Evil\",\"redirect_uris\":[\"http://127.0.0.1/\xC3\x28\"],\"token_endpoint_auth_method\":\"none\"}",
        "{\"client_name\":\"Evil\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"scope\":\"\\udfff\",\"token_endpoint_auth_method\":\"none\"}",
        "{\"client_\xFFname\":\"Evil\",\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\"}",
    };

    public static TheoryData<string> FormEndpoints => new() { "/oauth/token", "/oauth/revoke", "/oauth/introspect", "/oauth/device_authorization", "/oauth/authorize", "/oauth/device" };

    [Theory]
    [MemberData(nameof(RegistrationBodies))]
    public async Task Registration_with_text_that_is_not_unicode_is_invalid_client_metadata(string latin1Body)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync("/oauth/register", content);

        await AssertOAuthErrorAsync(response, "invalid_client_metadata");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task Form_with_bytes_that_are_not_utf8_is_answered_without_a_server_error(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes("grant_type=authorization_code&client_id=\xFF\xFE&token=%FF%FE&user_code=\xC3\x28&action=code&code=%C3%28"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await http.PostAsync(path, content);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task Broken_multipart_body_is_invalid_request(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nauthorization_code\r\n--b"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await http.PostAsync(path, content);

        await AssertOAuthErrorAsync(response, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task Form_with_too_many_fields_is_invalid_request(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);
        using var content = new StringContent(string.Join('&', Enumerable.Range(0, 5000).Select(i => $"f{i}=x")), Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await http.PostAsync(path, content);

        await AssertOAuthErrorAsync(response, "invalid_request");
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(error, (string?)body["error"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error_description"]));
    }
}
