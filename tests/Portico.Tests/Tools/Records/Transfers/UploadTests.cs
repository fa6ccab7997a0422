using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Records.Transfers;

namespace Portico.Tests.Tools.Records.Transfers;

/// <summary>prepare_file_upload and <c>/transfers/{id}</c> uploads: whole, resumed after a dropped connection, and every refusal.</summary>
public sealed class UploadTests
{
    [Fact]
    public async Task A_put_of_the_whole_file_completes_and_head_reports_every_byte()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(300_000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);

        using var put = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var done = await TransferWorld.JsonAsync(put);
        Assert.True((bool)done["complete"]!);
        Assert.Equal(id, (string?)done["fileId"]);
        Assert.Equal(TransferWorld.Sha256(content), (string?)done["sha256"]);

        using var head = await world.SendAsync(world.AliceKey, HttpMethod.Head, "/transfers/" + id);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, TransferWorld.Offset(head));
        Assert.Equal(content.Length, await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None));

        using var again = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("UPLOAD_COMPLETE", (string?)(await TransferWorld.JsonAsync(again))["error"]);
    }

    [Fact]
    public async Task An_upload_cut_off_half_way_continues_with_head_and_patch_from_the_received_offset()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(1_000_000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        const int Half = 400_000;

        using (var raw = await RawUpload.StartAsync(world.Server.BaseAddress, "PUT", "/transfers/" + id, world.AliceKey, content.Length, content.AsMemory(0, Half)))
        {
            // Every byte sent is on disk before the client gives up.
            await Eventually.AssertAsync(async () => await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None) == Half,
                "the server stored the first half");
            raw.Drop();
        }

        var offset = await Eventually.ReturnsAsync(async () =>
        {
            using var head = await world.SendAsync(world.AliceKey, HttpMethod.Head, "/transfers/" + id);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(content.Length, long.Parse(head.Headers.GetValues("Upload-Length").Single(), System.Globalization.CultureInfo.InvariantCulture));
            return TransferWorld.Offset(head);
        }, o => o == Half, "HEAD reports the bytes that arrived");

        using (var wrong = await world.SendAsync(world.AliceKey, HttpMethod.Patch, "/transfers/" + id, TransferWorld.Body(content[100..]), uploadOffset: 100))
        {
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
            Assert.Equal(Half, TransferWorld.Offset(wrong));
            var error = await TransferWorld.JsonAsync(wrong);
            Assert.Equal("OFFSET_MISMATCH", (string?)error["error"]);
            Assert.Equal(Half, (long)error["uploadOffset"]!);
        }

        using (var missing = await world.SendAsync(world.AliceKey, HttpMethod.Patch, "/transfers/" + id, TransferWorld.Body(content[Half..])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Equal("UPLOAD_OFFSET_REQUIRED", (string?)(await TransferWorld.JsonAsync(missing))["error"]);
        }

        using var rest = await world.SendAsync(world.AliceKey, HttpMethod.Patch, "/transfers/" + id, TransferWorld.Body(content[(int)offset!.Value..]), uploadOffset: offset);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.True((bool)(await TransferWorld.JsonAsync(rest))["complete"]!);
    }

    [Fact]
    public async Task A_second_writer_while_one_is_still_sending_is_refused_with_the_offset()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(200_000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        using var raw = await RawUpload.StartAsync(world.Server.BaseAddress, "PUT", "/transfers/" + id, world.AliceKey, content.Length, content.AsMemory(0, 50_000));
        await Eventually.AssertAsync(async () => await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None) == 50_000,
            "the first writer's bytes arrived");

        using var second = await world.SendAsync(world.AliceKey, HttpMethod.Patch, "/transfers/" + id, TransferWorld.Body(content[50_000..]), uploadOffset: 50_000);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("UPLOAD_BUSY", (string?)(await TransferWorld.JsonAsync(second))["error"]);
        raw.Drop();
    }

    [Fact]
    public async Task A_checksum_that_does_not_match_discards_the_bytes_with_a_clear_error()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(10_000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content, sha256: TransferWorld.Sha256([1, 2, 3]));

        using var put = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        var error = await TransferWorld.JsonAsync(put);
        Assert.Equal("CHECKSUM_MISMATCH", (string?)error["error"]);
        Assert.Contains(TransferWorld.Sha256(content), (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("discarded", (string?)error["message"], StringComparison.Ordinal);
        Assert.Null(await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None));

        using var head = await world.SendAsync(world.AliceKey, HttpMethod.Head, "/transfers/" + id);
        Assert.Equal(0, TransferWorld.Offset(head));
    }

    [Fact]
    public async Task Unknown_is_404_expired_is_410_with_the_hint_and_swept_is_404()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(1000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        using (var partial = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content[..0])))
        {
            Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        }

        using (var unknown = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/0123456789abcdef0123456789abcdef", TransferWorld.Body(content)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("TRANSFER_NOT_FOUND", (string?)(await TransferWorld.JsonAsync(unknown))["error"]);
        }

        world.Server.Clock.Advance(TimeSpan.FromMinutes(30));
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch })
        {
            using var expired = await world.SendAsync(world.AliceKey, method, "/transfers/" + id, TransferWorld.Body(content), uploadOffset: 0);
            Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
            var error = await TransferWorld.JsonAsync(expired);
            Assert.Equal("TRANSFER_EXPIRED", (string?)error["error"]);
            Assert.Equal("Call prepare_file_upload again to get a fresh transferId and retry the PUT.", (string?)error["hint"]);
        }

        using (var expiredHead = await world.SendAsync(world.AliceKey, HttpMethod.Head, "/transfers/" + id))
        {
            Assert.Equal(HttpStatusCode.Gone, expiredHead.StatusCode);
        }

        var sweeper = world.Server.Services.GetRequiredService<TransferSweeper>();
        Assert.Equal((1, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.Null(await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None));
        Assert.Equal((0, 0), await sweeper.SweepAsync(CancellationToken.None));

        world.Server.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal((0, 1), await sweeper.SweepAsync(CancellationToken.None));
        using var forgotten = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.NotFound, forgotten.StatusCode);
    }

    [Fact]
    public async Task Sweepers_on_two_instances_racing_delete_each_blob_once_and_never_fail()
    {
        await using var world = await TransferWorld.StartAsync();
        await using var peer = await world.Server.StartPeerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var content = TransferWorld.Bytes(100 + i, seed: i);
            var id = await world.PrepareAsync(world.AliceKey, world.A, content);
            using var put = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            ids.Add(id);
        }

        // Both instances share the blob directory; complete files live a day, then both sweep at once.
        world.Server.Clock.Advance(TimeSpan.FromDays(3));
        peer.Clock.Advance(TimeSpan.FromDays(3));
        var results = await Task.WhenAll(
            world.Server.Services.GetRequiredService<TransferSweeper>().SweepAsync(CancellationToken.None),
            peer.Services.GetRequiredService<TransferSweeper>().SweepAsync(CancellationToken.None));
        Assert.Equal(5, results.Sum(r => r.Rows));
        Assert.Empty(Directory.EnumerateFiles(world.BlobDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Over_the_cap_is_refused_by_the_tool_and_by_the_url_before_the_body_is_read()
    {
        await using var world = await TransferWorld.StartAsync(new Dictionary<string, string?> { ["Portico:Transfers:MaxUploadBytes"] = "100000" });
        using (var client = await RecordsClient.ConnectAsync(world.Server, world.AliceKey))
        {
            var error = RecordsClient.Error(await client.CallAsync("prepare_file_upload", new JsonObject
            {
                ["tenantId"] = world.A,
                ["name"] = "huge.csv",
                ["size"] = 100_001,
                ["sha256"] = new string('a', 64),
            }), "FILE_TOO_LARGE");
            Assert.Contains("capped at 100000 bytes", (string?)error["message"], StringComparison.Ordinal);
        }

        var content = TransferWorld.Bytes(50_000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);

        // Headers only: a 5 GiB Content-Length is answered 413 without a byte of body sent.
        using (var raw = await RawUpload.StartAsync(world.Server.BaseAddress, "PUT", "/transfers/" + id, world.AliceKey, 5L << 30, ReadOnlyMemory<byte>.Empty))
        {
            var (status, response) = await raw.ReadResponseAsync();
            Assert.Equal(413, status);
            Assert.Contains("PAYLOAD_TOO_LARGE", response, StringComparison.Ordinal);
        }

        // A chunked body states no length: it is cut off once it passes the declared size.
        var longer = TransferWorld.Bytes(80_000);
        using (var chunked = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, new ChunkedContent(longer)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        }

        using var fits = await world.SendAsync(world.AliceKey, HttpMethod.Put, "/transfers/" + id, new ChunkedContent(content));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.True((bool)(await TransferWorld.JsonAsync(fits))["complete"]!);
    }

    [Fact]
    public async Task Another_tenant_another_user_a_bound_key_and_no_credential_cannot_touch_an_upload()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(5000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        // Alice, also in B, with a key bound to B: the same user, but the key reaches B only.
        await world.Server.AdminAsync(a => a.AddMemberAsync(world.B, "alice@portico.test", "member", CancellationToken.None));
        var boundToB = (await world.Server.AdminAsync(a => a.CreateKeyAsync("alice@portico.test", "alice-b", world.B, Portico.Access.Scopes.Parse("all"), null, test: true, CancellationToken.None))).Plaintext;

        foreach (var key in new[] { world.BobKey, world.CarolKey, boundToB })
        {
            foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Head })
            {
                using var response = await world.SendAsync(key, method, "/transfers/" + id, method == HttpMethod.Head ? null : TransferWorld.Body(content), uploadOffset: 0);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
        }

        using (var none = await world.SendAsync(null, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        Assert.Null(await world.Server.Services.GetRequiredService<IBlobStore>().LengthAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Every_spelling_of_the_url_reaches_the_same_checks()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(2000);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        foreach (var path in new[] { "/TRANSFERS/" + id, "/transfers/" + id.ToUpperInvariant(), "/transfers/" + id + "/", "/Transfers/" + id })
        {
            using var bob = await world.SendAsync(world.BobKey, HttpMethod.Head, path);
            Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
            using var alice = await world.SendAsync(world.AliceKey, HttpMethod.Head, path);
            Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
            Assert.Equal(0, TransferWorld.Offset(alice));
        }

        foreach (var path in new[] { "/transfers/" + id + "%2F..", "/transfers/..%2F" + id, "/transfers/" + id + "%00", "/transfers/" + id[..31] })
        {
            using var odd = await world.SendAsync(world.AliceKey, HttpMethod.Head, path);
            Assert.True(odd.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {odd.StatusCode}");
        }
    }

    [Fact]
    public async Task A_read_only_key_cannot_upload()
    {
        await using var world = await TransferWorld.StartAsync();
        var content = TransferWorld.Bytes(100);
        var id = await world.PrepareAsync(world.AliceKey, world.A, content);
        var readOnly = (await world.Server.AdminAsync(a => a.CreateKeyAsync("alice@portico.test", "alice-ro", null, Portico.Access.Scopes.Parse("records.read"), null, test: true, CancellationToken.None))).Plaintext;
        using var put = await world.SendAsync(readOnly, HttpMethod.Put, "/transfers/" + id, TransferWorld.Body(content));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        using var head = await world.SendAsync(readOnly, HttpMethod.Head, "/transfers/" + id);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }
}
