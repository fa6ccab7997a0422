using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tools.Records.Transfers;

/// <summary>
/// A server for transfer tests, its blobs in a directory of the test's own (so PostgreSQL runs keep them apart too):
/// tenant A with Alice (owner) and Carol (member), tenant B with Bob, each with a key of all scopes.
/// </summary>
internal sealed class TransferWorld : IAsyncDisposable
{
    private TransferWorld(PorticoTestServer server, string blobs)
    {
        Server = server;
        BlobDirectory = blobs;
    }

    public PorticoTestServer Server { get; }

    public string BlobDirectory { get; }

    public string A { get; private set; } = "";

    public string B { get; private set; } = "";

    public string AliceKey { get; private set; } = "";

    public string BobKey { get; private set; } = "";

    public string CarolKey { get; private set; } = "";

    public static async Task<TransferWorld> StartAsync(IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var blobs = Path.Combine(Path.GetTempPath(), "portico-tests", "blobs-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>()) { ["Portico:Blobs:Directory"] = blobs };
        var world = new TransferWorld(await PorticoTestServer.StartAsync(configuration: settings), blobs);
        var server = world.Server;
        world.A = (await server.AdminAsync(a => a.CreateTenantAsync("Alpha", "basic", CancellationToken.None))).Id;
        world.B = (await server.AdminAsync(a => a.CreateTenantAsync("Beta", "pro_plus", CancellationToken.None))).Id;
        await server.AdminAsync(a => a.AddMemberAsync(world.A, "alice@portico.test", "owner", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(world.A, "carol@portico.test", "member", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(world.B, "bob@portico.test", "owner", CancellationToken.None));
        world.AliceKey = await KeyAsync(server, "alice@portico.test");
        world.BobKey = await KeyAsync(server, "bob@portico.test");
        world.CarolKey = await KeyAsync(server, "carol@portico.test");
        return world;
    }

    /// <summary>Reserves an upload of <paramref name="content"/> as <paramref name="key"/>'s user in <paramref name="tenantId"/>.</summary>
    public async Task<string> PrepareAsync(string key, string tenantId, byte[] content, string? sha256 = null, string name = "data.ndjson")
    {
        using var client = await Records.RecordsClient.ConnectAsync(Server, key);
        var result = Records.RecordsClient.Ok(await client.CallAsync("prepare_file_upload", new JsonObject
        {
            ["tenantId"] = tenantId,
            ["name"] = name,
            ["size"] = content.Length,
            ["sha256"] = sha256 ?? Sha256(content),
            ["contentType"] = "application/x-ndjson",
        }));
        var url = (string)result["uploadUrl"]!;
        Assert.Equal(new Uri(Server.BaseAddress, "/transfers/" + (string)result["transferId"]!).AbsoluteUri, url);
        return (string)result["transferId"]!;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Bytes(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async Task<HttpResponseMessage> SendAsync(string? key, HttpMethod method, string path, HttpContent? content = null, long? uploadOffset = null)
    {
        using var client = Server.CreateClient(key);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (uploadOffset is { } offset)
        {
            request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return await client.SendAsync(request);
    }

    public static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    public static long? Offset(HttpResponseMessage response)
        => response.Headers.TryGetValues("Upload-Offset", out var values) ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : null;

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(BlobDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was uploaded.
        }
    }

    private static async Task<string> KeyAsync(PorticoTestServer server, string email)
        => (await server.AdminAsync(a => a.CreateKeyAsync(email, email.Split('@')[0], null, Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;
}
