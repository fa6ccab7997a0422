using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.Tools.Records;
using Portico.Tools.Records.Transfers;

namespace Portico.Tests.Tools.Records.Transfers;

/// <summary>get_file_download and GET <c>/transfers/{id}</c>: whole files, ranges, the ETag, and a download outliving its reservation.</summary>
public sealed class DownloadTests
{
    [Fact]
    public async Task A_download_serves_the_file_its_ranges_and_416_outside_it()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(100_000);
        var fileId = await UploadAsync(world, content);
        var url = await ReserveAsync(world, world.AliceKey, fileId);

        using (var whole = await world.SendAsync(world.AliceKey, HttpMethod.Get, url))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal(content, await whole.Content.ReadAsByteArrayAsync());
            Assert.Equal($"\"{TransferWorld.Sha256(content)}\"", whole.Headers.ETag!.Tag);
            Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
            Assert.Equal("data.ndjson", whole.Content.Headers.ContentDisposition!.FileName);
        }

        foreach (var (range, from, to) in new (string, int, int)[] { ("bytes=100-199", 100, 199), ("bytes=99990-", 99_990, 99_999), ("bytes=-10", 99_990, 99_999), ("bytes=0-999999", 0, 99_999) })
        {
            using var client = world.Server.CreateClient(world.AliceKey);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Range", range);
            using var part = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal($"bytes {from}-{to}/100000", part.Content.Headers.ContentRange!.ToString());
            Assert.Equal(content[from..(to + 1)], await part.Content.ReadAsByteArrayAsync());
        }

        foreach (var range in new[] { "bytes=100000-", "bytes=200000-200010", "bytes=-0" })
        {
            using var client = world.Server.CreateClient(world.AliceKey);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Range", range);
            using var outside = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outside.StatusCode);
            Assert.Equal("bytes */100000", outside.Content.Headers.ContentRange!.ToString());
        }

        using (var head = await world.SendAsync(world.AliceKey, HttpMethod.Head, url))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(100_000, head.Content.Headers.ContentLength);
        }

        using var put = await world.SendAsync(world.AliceKey, HttpMethod.Put, url, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task A_download_that_has_started_finishes_after_its_reservation_expires_and_the_sweeper_runs()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(8 * 1024 * 1024);
        var fileId = await UploadAsync(world, content);
        var url = await ReserveAsync(world, world.AliceKey, fileId);

        using var client = world.Server.CreateClient(world.AliceKey);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[64 * 1024];
        await body.ReadExactlyAsync(first);

        // Past the reservation (30 minutes) and the file's own lifetime (a day): the sweeper deletes the blob under the running
        // download; the reservation is still remembered (410) for a day after it expired.
        world.Server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var (blobs, _) = await world.Server.Services.GetRequiredService<TransferSweeper>().SweepAsync(CancellationToken.None);
        Assert.Equal(1, blobs);
        using (var late = await world.SendAsync(world.AliceKey, HttpMethod.Get, url))
        {
            Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
            Assert.Contains("get_file_download", (string?)(await TransferWorld.JsonAsync(late))["hint"], StringComparison.Ordinal);
        }

        using var rest = new MemoryStream();
        await body.CopyToAsync(rest);
        Assert.Equal(TransferWorld.Sha256(content), Convert.ToHexStringLower(SHA256.HashData([.. first, .. rest.ToArray()])));
    }

    [Fact]
    public async Task Another_tenant_cannot_reserve_a_file_and_another_user_cannot_use_a_download_url()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(1000);
        var fileId = await UploadAsync(world, content);
        var url = await ReserveAsync(world, world.AliceKey, fileId);

        using (var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey))
        {
            RecordsClient.Error(await bob.CallAsync("get_file_download", new JsonObject { ["fileId"] = fileId }), "NOT_FOUND");
            RecordsClient.Error(await bob.CallAsync("get_file_download", new JsonObject { ["fileId"] = fileId, ["tenantId"] = world.A }), "GROUP_NOT_AVAILABLE");
        }

        foreach (var key in new[] { world.BobKey, world.CarolKey })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                using var response = await world.SendAsync(key, method, url);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
        }

        // Carol, a member of A, may download A's file through a reservation of her own.
        var carols = await ReserveAsync(world, world.CarolKey, fileId);
        using var carol = await world.SendAsync(world.CarolKey, HttpMethod.Get, carols);
        Assert.Equal(content, await carol.Content.ReadAsByteArrayAsync());

        // An upload not yet complete is no file.
        var pending = await world.PrepareAsync(world.AliceKey, world.A, content);
        using var alice = await RecordsClient.ConnectAsync(world.Server, world.AliceKey);
        RecordsClient.Error(await alice.CallAsync("get_file_download", new JsonObject { ["fileId"] = pending, ["tenantId"] = world.A }), "NOT_FOUND");
    }

    private static async Task<string> UploadAsync(TransferWorld world, byte[] content)
    {
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        using var put = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return id;
    }

    private static async Task<string> ReserveAsync(TransferWorld world, string key, string fileId)
    {
        using var client = await RecordsClient.ConnectAsync(world.Server, key);
        var result = RecordsClient.Ok(await client.CallAsync("get_file_download", new JsonObject { ["fileId"] = fileId, ["tenantId"] = world.A }));
        return new Uri((string)result["downloadUrl"]!).PathAndQuery;
    }
}
