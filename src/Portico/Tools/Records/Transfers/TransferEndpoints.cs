using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Hosting;
using Portico.Policy.RateLimiting;
using Portico.Storage;

namespace Portico.Tools.Records.Transfers;

/// <summary>
/// <c>/transfers/{transferId}</c>: the bytes of the transfers the tools reserved. PUT sends a whole upload, HEAD tells how
/// much of it arrived (<c>Upload-Offset</c>), PATCH with <c>Upload-Offset</c> continues it. Every request needs a
/// credential (the access policy) and the transfer's own user, still a member of its tenant: anyone else — another user,
/// another tenant, a key bound elsewhere — gets the 404 of an unknown id, so an id alone is never enough.
/// Bodies stream to the blob store through one fixed buffer; the cap is checked from Content-Length before reading and
/// enforced by Kestrel (raised for this request only) and the copy while reading.
/// </summary>
internal static class TransferEndpoints
{
    public const string UploadOffsetHeader = "Upload-Offset";

    public const string UploadLengthHeader = "Upload-Length";

    private const int BufferBytes = 64 * 1024;

    public static string PathOf(string transferId) => "/transfers/" + transferId;

    public static IEndpointRouteBuilder MapPorticoTransfers(this IEndpointRouteBuilder endpoints)
    {
        var transfers = endpoints.MapGroup("/transfers").WithMetadata(CredentialRateLimit.Instance);
        transfers.MapPut("/{transferId}", (HttpContext http, string transferId) => UploadAsync(http, transferId, resume: false))
            .WithDisplayName("Transfer upload").RequireAuthorization(AccessPolicies.TransfersWrite);
        transfers.MapPatch("/{transferId}", (HttpContext http, string transferId) => UploadAsync(http, transferId, resume: true))
            .WithDisplayName("Transfer upload (continue)").RequireAuthorization(AccessPolicies.TransfersWrite);
        transfers.MapGet("/{transferId}", DownloadAsync)
            .WithDisplayName("Transfer download").RequireAuthorization(AccessPolicies.TransfersRead);
        transfers.MapMethods("/{transferId}", [HttpMethods.Head], HeadAsync)
            .WithDisplayName("Transfer status").RequireAuthorization(AccessPolicies.TransfersRead);
        return endpoints;
    }

    private static async Task HeadAsync(HttpContext http, string transferId)
    {
        if (await FindAsync(http, transferId) is not { } transfer)
        {
            return;
        }

        var response = http.Response;
        response.Headers.CacheControl = "no-store";
        if (transfer.Kind == TransferRow.Upload)
        {
            var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
            var received = transfer.CompletedAt is null ? await blobs.LengthAsync(transfer.BlobId, http.RequestAborted) ?? 0 : transfer.Size;
            response.Headers[UploadOffsetHeader] = received.ToString(CultureInfo.InvariantCulture);
            response.Headers[UploadLengthHeader] = transfer.Size.ToString(CultureInfo.InvariantCulture);
            response.StatusCode = StatusCodes.Status200OK;
        }
        else
        {
            DescribeDownload(http, transfer);
            response.ContentLength = transfer.Size;
        }
    }

    /// <summary>
    /// GET a download: the whole file, or one byte range (206; 416 with the length when it lies outside). The blob is opened
    /// once, at the start, and streamed to the end: a download that has started finishes even if its reservation expires or
    /// the sweeper deletes the blob meanwhile.
    /// </summary>
    private static async Task DownloadAsync(HttpContext http, string transferId)
    {
        if (await FindAsync(http, transferId) is not { } transfer)
        {
            return;
        }

        if (transfer.Kind != TransferRow.Download)
        {
            await ErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "NOT_A_DOWNLOAD", $"Transfer '{transfer.Id}' is an upload.",
                "PUT or PATCH its bytes; to download a file, call get_file_download and GET the URL it returns.");
            return;
        }

        DescribeDownload(http, transfer);
        var etag = ETagOf(transfer);
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag || v == "*"))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var (start, length) = (0L, transfer.Size);
        var range = http.Request.GetTypedHeaders().Range;
        var ifRange = http.Request.Headers.IfRange;
        if (range is { Unit.Value: "bytes", Ranges.Count: 1 } && (ifRange.Count == 0 || ifRange[0] == etag))
        {
            var item = range.Ranges.Single();
            (start, var end) = item.From is { } from ? (from, Math.Min(item.To ?? transfer.Size - 1, transfer.Size - 1)) : (transfer.Size - Math.Min(item.To ?? 0, transfer.Size), transfer.Size - 1);
            if (start >= transfer.Size || end < start || (item.From is null && item.To == 0))
            {
                http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{transfer.Size}");
                await ErrorAsync(http, StatusCodes.Status416RangeNotSatisfiable, "RANGE_NOT_SATISFIABLE",
                    string.Create(CultureInfo.InvariantCulture, $"The range {range} lies outside the file's {transfer.Size} bytes."),
                    string.Create(CultureInfo.InvariantCulture, $"Ask for bytes 0-{Math.Max(transfer.Size - 1, 0)}, e.g. Range: bytes=<bytes you have>- to resume."));
                return;
            }

            length = end - start + 1;
            http.Response.StatusCode = StatusCodes.Status206PartialContent;
            http.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end}/{transfer.Size}");
        }

        var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
        await using var source = await blobs.OpenReadAsync(transfer.BlobId, start, http.RequestAborted);
        if (source is null)
        {
            http.Response.Headers.Remove("Content-Range");
            await ErrorAsync(http, StatusCodes.Status410Gone, "TRANSFER_EXPIRED", $"The file of transfer '{transfer.Id}' is no longer stored.",
                "Call get_file_download (or export_entities) again to get a fresh transferId, then GET the new URL.");
            return;
        }

        http.Response.ContentLength = length;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            var left = length;
            while (left > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), http.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                left -= read;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away; it may resume with a Range request.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string ETagOf(TransferRow transfer) => $"\"{transfer.Sha256}\"";

    private static void DescribeDownload(HttpContext http, TransferRow transfer)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ETag = ETagOf(transfer);
        headers.AcceptRanges = "bytes";
        headers.ContentType = transfer.ContentType;
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(transfer.Name);
        headers.ContentDisposition = disposition.ToString();
    }

    private static async Task UploadAsync(HttpContext http, string transferId, bool resume)
    {
        if (await FindAsync(http, transferId) is not { } transfer)
        {
            return;
        }

        if (transfer.Kind != TransferRow.Upload)
        {
            await ErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "NOT_AN_UPLOAD", $"Transfer '{transfer.Id}' is a download.", "GET it; uploads are reserved with prepare_file_upload.");
            return;
        }

        if (transfer.CompletedAt is not null)
        {
            http.Response.Headers[UploadOffsetHeader] = transfer.Size.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(http, StatusCodes.Status409Conflict, "UPLOAD_COMPLETE", $"Upload '{transfer.Id}' is complete: all {transfer.Size} bytes arrived and matched the SHA-256.",
                "Nothing more to send. Use the file id with import_entities or get_file_download; for another file call prepare_file_upload again.");
            return;
        }

        var offset = 0L;
        if (resume && !TryReadOffset(http, out offset))
        {
            await ErrorAsync(http, StatusCodes.Status400BadRequest, "UPLOAD_OFFSET_REQUIRED", "PATCH needs an Upload-Offset header: the number of bytes the upload already holds.",
                $"HEAD {PathOf(transfer.Id)} answers Upload-Offset; send the rest of the file from there with that header.");
            return;
        }

        if (offset > transfer.Size)
        {
            await OffsetMismatchAsync(http, transfer, offset, await CurrentOffsetAsync(http, transfer));
            return;
        }

        var remaining = transfer.Size - offset;
        // Set before anything reads the body, so Kestrel cuts off a body that goes on (and, for a body refused unread, closes
        // the connection rather than draining gigabytes). Kestrel counts a chunked body's framing too, so a chunked body gets
        // room for it; the copy below holds the data to the exact declared size either way.
        RequestBodies.Limit(http, http.Request.ContentLength is null ? ChunkedLimit(remaining) : remaining);
        if (http.Request.ContentLength > remaining)
        {
            await TooLargeAsync(http, transfer, offset);
            return;
        }

        var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
        var target = await blobs.OpenAppendAsync(transfer.BlobId, offset, restart: !resume, http.RequestAborted);
        if (target.Stream is null)
        {
            if (target.Busy)
            {
                http.Response.Headers[UploadOffsetHeader] = target.Length.ToString(CultureInfo.InvariantCulture);
                await ErrorAsync(http, StatusCodes.Status409Conflict, "UPLOAD_BUSY", $"Another request is writing upload '{transfer.Id}' right now.",
                    "Send one request at a time per upload: wait for it (or for its connection to close), then HEAD for Upload-Offset and PATCH from there.");
            }
            else
            {
                await OffsetMismatchAsync(http, transfer, offset, target.Length);
            }

            return;
        }

        var copy = await CopyAsync(http, target.Stream, remaining, hashFromStart: offset == 0);
        if (copy.ClientGone)
        {
            // The connection dropped: what arrived stays in the blob, and HEAD reports it for the client's PATCH.
            var logger = Logger(http);
            TransferLog.UploadInterrupted(logger, transfer.Id, offset + copy.Received);
            return;
        }

        var received = offset + copy.Received;
        if (copy.TooLarge)
        {
            await TooLargeAsync(http, transfer, received);
            return;
        }

        http.Response.Headers[UploadOffsetHeader] = received.ToString(CultureInfo.InvariantCulture);
        if (received < transfer.Size)
        {
            await JsonAsync(http, StatusCodes.Status200OK, new JsonObject
            {
                ["transferId"] = transfer.Id,
                ["complete"] = false,
                ["uploadOffset"] = received,
                ["size"] = transfer.Size,
                ["hint"] = $"{transfer.Size - received} bytes to go: PATCH {PathOf(transfer.Id)} with Upload-Offset: {received} and the rest.",
            });
            return;
        }

        await CompleteAsync(http, transfer, copy.Sha256);
    }

    /// <summary>Checks the whole file's SHA-256 (hashed while copying when it came in one request, read back otherwise) and marks it complete.</summary>
    private static async Task CompleteAsync(HttpContext http, TransferRow transfer, string? hashed)
    {
        var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
        var sha256 = hashed;
        if (sha256 is null)
        {
            await using var stored = await blobs.OpenReadAsync(transfer.BlobId, 0, http.RequestAborted);
            sha256 = stored is null ? "" : Convert.ToHexStringLower(await SHA256.HashDataAsync(stored, http.RequestAborted));
        }

        if (sha256 != transfer.Sha256)
        {
            await blobs.DeleteAsync(transfer.BlobId, http.RequestAborted);
            http.Response.Headers[UploadOffsetHeader] = "0";
            await ErrorAsync(http, StatusCodes.Status422UnprocessableEntity, "CHECKSUM_MISMATCH",
                $"The {transfer.Size} bytes of upload '{transfer.Id}' have SHA-256 {sha256}, but prepare_file_upload declared {transfer.Sha256}. The bytes were discarded.",
                "Check the file and its checksum (sha256sum FILE), then PUT the whole file again — or call prepare_file_upload with the right sha256.");
            return;
        }

        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var options = http.RequestServices.GetRequiredService<IOptions<TransferOptions>>().Value;
        var now = time.GetUtcNow();
        var db = http.RequestServices.GetRequiredService<PorticoDbContext>();
        await db.Set<TransferRow>().Where(t => t.Id == transfer.Id && t.CompletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CompletedAt, now).SetProperty(t => t.ExpiresAt, now + options.FileLifetime), http.RequestAborted);
        var logger = Logger(http);
        TransferLog.UploadComplete(logger, transfer.Id, transfer.Size);
        await JsonAsync(http, StatusCodes.Status200OK, new JsonObject
        {
            ["transferId"] = transfer.Id,
            ["fileId"] = transfer.Id,
            ["complete"] = true,
            ["size"] = transfer.Size,
            ["sha256"] = transfer.Sha256,
            ["expiresAt"] = now + options.FileLifetime,
        });
    }

    /// <summary>Copies the body through one pooled buffer, stopping past <paramref name="remaining"/> bytes.</summary>
    private static async Task<UploadCopy> CopyAsync(HttpContext http, Stream target, long remaining, bool hashFromStart)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        using var hash = hashFromStart ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var received = 0L;
        try
        {
            await using (target)
            {
                while (true)
                {
                    var read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted);
                    if (read == 0)
                    {
                        break;
                    }

                    if (received + read > remaining)
                    {
                        return new UploadCopy(received, null, TooLarge: true);
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                    hash?.AppendData(buffer, 0, read);
                    received += read;
                }
            }

            return new UploadCopy(received, received == remaining ? hash?.GetHashAndReset() is { } digest ? Convert.ToHexStringLower(digest) : null : null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new UploadCopy(received, null, TooLarge: true);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return new UploadCopy(received, null, ClientGone: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The transfer, if the caller may use it and it has not expired; otherwise the refusal is written and null returned.
    /// Unknown, malformed, another user's and another tenant's ids all get the same 404.
    /// </summary>
    private static async Task<TransferRow?> FindAsync(HttpContext http, string transferId)
    {
        var id = transferId.ToLowerInvariant();
        var principal = http.GetPrincipal();
        TransferRow? transfer = null;
        if (BlobIds.IsValid(id))
        {
            var db = http.RequestServices.GetRequiredService<PorticoDbContext>();
            transfer = await db.Set<TransferRow>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, http.RequestAborted);
        }

        if (transfer is null || transfer.OwnerId != principal.Id
            || !(await http.RequestServices.GetRequiredService<TenantResolver>().AvailableAsync(principal, http.RequestAborted)).Any(m => m.TenantId == transfer.TenantId))
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, "TRANSFER_NOT_FOUND", $"No transfer '{transferId}' for this user.",
                "Use the URL prepare_file_upload, get_file_download or export_entities returned, with a credential of the user who called it. Reservations are forgotten a day after they expire.");
            return null;
        }

        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (now >= transfer.ExpiresAt)
        {
            var again = transfer.Kind == TransferRow.Upload
                ? "Call prepare_file_upload again to get a fresh transferId and retry the PUT."
                : "Call get_file_download (or export_entities) again to get a fresh transferId, then GET the new URL.";
            await ErrorAsync(http, StatusCodes.Status410Gone, "TRANSFER_EXPIRED",
                $"Transfer '{transfer.Id}' expired at {transfer.ExpiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}; reservations live {Lifetime(http)}.", again);
            return null;
        }

        return transfer;
    }

    private static string Lifetime(HttpContext http)
    {
        var lifetime = http.RequestServices.GetRequiredService<IOptions<TransferOptions>>().Value.ReservationLifetime;
        return lifetime.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{lifetime.TotalMinutes:0.#} minutes") : string.Create(CultureInfo.InvariantCulture, $"{lifetime.TotalSeconds:0} seconds");
    }

    /// <summary>Room for chunk framing (size line and CRLFs, at most 12 bytes a chunk) around <paramref name="remaining"/> bytes of data.</summary>
    private static long ChunkedLimit(long remaining) => remaining + Math.Min(remaining, long.MaxValue / 4) + 64 * 1024;

    private static bool TryReadOffset(HttpContext http, out long offset)
    {
        offset = 0;
        var values = http.Request.Headers[UploadOffsetHeader];
        return values.Count == 1 && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    private static async Task<long> CurrentOffsetAsync(HttpContext http, TransferRow transfer)
        => await http.RequestServices.GetRequiredService<IBlobStore>().LengthAsync(transfer.BlobId, http.RequestAborted) ?? 0;

    private static Task OffsetMismatchAsync(HttpContext http, TransferRow transfer, long sent, long current)
    {
        http.Response.Headers[UploadOffsetHeader] = current.ToString(CultureInfo.InvariantCulture);
        return JsonAsync(http, StatusCodes.Status409Conflict, new JsonObject
        {
            ["error"] = "OFFSET_MISMATCH",
            ["message"] = string.Create(CultureInfo.InvariantCulture, $"Upload-Offset {sent} does not match upload '{transfer.Id}', which holds {current} bytes."),
            ["hint"] = string.Create(CultureInfo.InvariantCulture, $"PATCH again with Upload-Offset: {current} and the file from byte {current} on."),
            ["uploadOffset"] = current,
        });
    }

    private static Task TooLargeAsync(HttpContext http, TransferRow transfer, long offset)
    {
        var cap = http.RequestServices.GetRequiredService<IOptions<TransferOptions>>().Value.MaxUploadBytes;
        return ErrorAsync(http, StatusCodes.Status413PayloadTooLarge, "PAYLOAD_TOO_LARGE",
            string.Create(CultureInfo.InvariantCulture, $"The body goes past the {transfer.Size} bytes prepare_file_upload declared for upload '{transfer.Id}' (from offset {offset}); uploads are capped at {cap} bytes ({TransferTools.Bytes(cap)})."),
            "Send exactly the declared file. A larger file needs a new prepare_file_upload with its size; over the cap, split the data into several files.");
    }

    private static Task ErrorAsync(HttpContext http, int status, string error, string message, string hint)
        => JsonAsync(http, status, new JsonObject { ["error"] = error, ["message"] = message, ["hint"] = hint });

    private static async Task JsonAsync(HttpContext http, int status, JsonObject body)
    {
        body["requestId"] = http.TraceIdentifier;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TransferEndpoints).FullName!);

    private sealed record UploadCopy(long Received, string? Sha256, bool TooLarge = false, bool ClientGone = false);
}
