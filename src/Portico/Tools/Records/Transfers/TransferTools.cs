using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records.Transfers;

/// <summary>The transfer tools: each reserves a URL under <c>/transfers/</c> for the calling user in the call's tenant.</summary>
internal sealed class TransferTools(TimeProvider time, IOptions<TransferOptions> options)
{
    public const string DefaultContentType = "application/octet-stream";

    public async ValueTask<CallToolResult> PrepareUploadAsync(ToolInvocation invocation, TenantData<TransferRow> transfers, CancellationToken cancellationToken)
    {
        var arguments = invocation.Arguments;
        var name = invocation.GetString("name");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || name.Any(char.IsControl))
        {
            return RecordArguments.Invalid(invocation, "name", "the file's name, 1-255 characters without control characters",
                RecordArguments.Describe(arguments.TryGetProperty("name", out var n) ? n : default, arguments.TryGetProperty("name", out _)), "Pass the file's name, e.g. \"contacts.ndjson\".");
        }

        if (!arguments.TryGetProperty("size", out var sizeValue) || sizeValue.ValueKind != JsonValueKind.Number || !sizeValue.TryGetInt64(out var size) || size < 0)
        {
            return RecordArguments.Invalid(invocation, "size", "the file's length in bytes, a whole number from 0",
                RecordArguments.Describe(sizeValue, arguments.TryGetProperty("size", out _)), "Pass the exact length of the file you will upload.");
        }

        var cap = options.Value.MaxUploadBytes;
        if (size > cap)
        {
            return ToolError.Result("FILE_TOO_LARGE",
                string.Create(CultureInfo.InvariantCulture, $"The file is {size} bytes; uploads are capped at {cap} bytes ({Bytes(cap)})."),
                "Split the data into files under the cap and upload each (an NDJSON or CSV import can come in several files), or ask the operator to raise Portico:Transfers:MaxUploadBytes.",
                invocation.Call.RequestId, new JsonObject { ["size"] = size, ["maxBytes"] = cap });
        }

        var sha256 = invocation.GetString("sha256");
        if (sha256 is null || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
        {
            return RecordArguments.Invalid(invocation, "sha256", "the file's SHA-256, 64 hex characters",
                RecordArguments.Describe(arguments.TryGetProperty("sha256", out var s) ? s : default, arguments.TryGetProperty("sha256", out _)),
                "Compute it with `sha256sum FILE` (or any SHA-256 library) and pass the hex digest.");
        }

        var contentType = invocation.GetString("contentType") ?? DefaultContentType;
        var now = time.GetUtcNow();
        var id = BlobIds.New();
        var row = new TransferRow
        {
            TenantId = transfers.TenantId,
            Id = id,
            Kind = TransferRow.Upload,
            OwnerId = invocation.Call.Principal.Id,
            Name = name,
            ContentType = contentType,
            Size = size,
            Sha256 = sha256.ToLowerInvariant(),
            BlobId = id,
            CreatedAt = now,
            ExpiresAt = now + options.Value.ReservationLifetime,
        };
        transfers.Add(row);
        await transfers.SaveChangesAsync(cancellationToken);

        var url = UrlOf(invocation, id);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"""
            Upload reserved: transfer {id} for '{name}' ({size} bytes), until {row.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}.
            PUT the file's bytes to {url} with the same Authorization header as this call. If the connection drops, HEAD {url} answers Upload-Offset: the bytes received; PATCH {url} with header Upload-Offset: <that number> and the rest of the file continues the upload.
            The SHA-256 is checked when the last byte arrives; then the file's id is {id} (for import_entities and get_file_download).
            """);
        return ToolResults.Structured(text, new JsonObject
        {
            ["transferId"] = id,
            ["uploadUrl"] = url,
            ["method"] = "PUT",
            ["resume"] = new JsonObject { ["offset"] = "HEAD uploadUrl → Upload-Offset", ["continue"] = "PATCH uploadUrl with Upload-Offset: <offset>" },
            ["name"] = name,
            ["size"] = size,
            ["sha256"] = row.Sha256,
            ["contentType"] = contentType,
            ["expiresAt"] = row.ExpiresAt,
            ["maxBytes"] = cap,
        });
    }

    public async ValueTask<CallToolResult> GetDownloadAsync(ToolInvocation invocation, TenantData<TransferRow> transfers, CancellationToken cancellationToken)
    {
        var fileId = invocation.GetString("fileId")?.ToLowerInvariant();
        if (!BlobIds.IsValid(fileId))
        {
            return RecordArguments.Invalid(invocation, "fileId", "a file id, 32 hex characters",
                RecordArguments.Describe(invocation.Arguments.TryGetProperty("fileId", out var f) ? f : default, invocation.Arguments.TryGetProperty("fileId", out _)),
                "Pass the transferId of a completed upload (prepare_file_upload, then PUT).");
        }

        var now = time.GetUtcNow();
        // A completed upload is the tenant's file, like its entities: any member with read access may download it.
        var file = await transfers.Rows.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == fileId && t.Kind == TransferRow.Upload && t.CompletedAt != null, cancellationToken);
        if (file is null || file.ExpiresAt <= now)
        {
            return ToolError.Result("NOT_FOUND", $"No file '{fileId}' in group '{transfers.TenantId}'{(file is null ? "" : " any more: it expired")}.",
                "A file is an upload whose every byte arrived and matched its SHA-256 (the PUT answered complete: true); files are kept for a limited time. Upload it again with prepare_file_upload.",
                invocation.Call.RequestId);
        }

        var expires = now + options.Value.ReservationLifetime < file.ExpiresAt ? now + options.Value.ReservationLifetime : file.ExpiresAt;
        var id = BlobIds.New();
        transfers.Add(new TransferRow
        {
            TenantId = transfers.TenantId,
            Id = id,
            Kind = TransferRow.Download,
            OwnerId = invocation.Call.Principal.Id,
            Name = file.Name,
            ContentType = file.ContentType,
            Size = file.Size,
            Sha256 = file.Sha256,
            BlobId = file.BlobId,
            CreatedAt = now,
            CompletedAt = now,
            ExpiresAt = expires,
        });
        await transfers.SaveChangesAsync(cancellationToken);
        var url = UrlOf(invocation, id);
        return ToolResults.Structured(
            string.Create(CultureInfo.InvariantCulture, $"Download reserved: GET {url} with the same Authorization header as this call, until {expires:yyyy-MM-ddTHH:mm:ssZ}. '{file.Name}', {file.Size} bytes, SHA-256 {file.Sha256}. Range requests resume a download; a download that has started finishes even if the reservation expires meanwhile."),
            new JsonObject
            {
                ["transferId"] = id,
                ["downloadUrl"] = url,
                ["method"] = "GET",
                ["fileId"] = file.Id,
                ["name"] = file.Name,
                ["size"] = file.Size,
                ["sha256"] = file.Sha256,
                ["contentType"] = file.ContentType,
                ["expiresAt"] = expires,
            });
    }

    /// <summary>The transfer's URL on this server as the client reached it (the issuer), or the path alone.</summary>
    public static string UrlOf(ToolInvocation invocation, string transferId)
        => $"{invocation.Call.Issuer?.TrimEnd('/')}{TransferEndpoints.PathOf(transferId)}";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30} GiB"),
        >= 1L << 20 when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
