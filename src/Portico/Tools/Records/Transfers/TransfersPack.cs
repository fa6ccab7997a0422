using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Tools.Records.Transfers;

/// <summary>
/// File transfers of the data pack: the tools that reserve <c>/transfers/{id}</c> URLs (uploads in, downloads out) and
/// the table of reservations. The bytes go through <see cref="TransferEndpoints"/>, never through MCP messages. A pack of
/// its own beside <see cref="RecordsPack"/> because its rows are another table (a tenant pack has one main table); it
/// uses the records scopes, and reaches entities through the same tenant's data.
/// </summary>
internal sealed class TransfersPack(IServiceScopeFactory scopes, TransferTools tools) : TenantPack<TransferRow, TransferRowConfiguration>(scopes), IMcpPack
{
    private static readonly string ReadScope = Scopes.Read("records");

    private static readonly string WriteScope = Scopes.Write("records");

    public override string Name => "transfers";

    public static new void AddServices(IServiceCollection services)
    {
        TenantPack<TransferRow, TransferRowConfiguration>.AddServices(services);
        services.AddOptions<TransferOptions>().BindConfiguration(TransferOptions.SectionName);
        services.AddOptions<BlobOptions>().BindConfiguration(BlobOptions.SectionName);
        services.AddSingleton<IBlobStore, FileBlobStore>();
        services.AddSingleton<TransferTools>();
        services.AddSingleton<TransferSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TransferSweeper>());
    }

    protected override IEnumerable<TenantTool<TransferRow>> Tools
    {
        get
        {
            yield return new TenantTool<TransferRow>(new Tool
            {
                Name = "prepare_file_upload",
                Title = "Prepare file upload",
                Description = "Reserves an upload of one file (name, size in bytes, SHA-256, content type) for 30 minutes: returns a transferId and an uploadUrl to PUT the bytes to, with this call's credential. Resumable: HEAD the URL for Upload-Offset, PATCH the rest with that Upload-Offset. Files up to 5 GiB. The uploaded file feeds import_entities.",
                InputSchema = TransferSchemas.PrepareUpload,
                Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
            }, tools.PrepareUploadAsync)
            {
                RequiredScope = WriteScope,
                Write = true,
                Examples = [new JsonObject { ["name"] = "contacts.ndjson", ["size"] = 1048576, ["sha256"] = new string('0', 64), ["contentType"] = "application/x-ndjson" }],
            };

            yield return new TenantTool<TransferRow>(new Tool
            {
                Name = "get_file_download",
                Title = "Get file download",
                Description = "Reserves a download of an uploaded file of the active group for 30 minutes: returns a downloadUrl to GET with this call's credential (Range requests supported, ETag is the SHA-256). A download that has started finishes even if the reservation expires meanwhile.",
                InputSchema = TransferSchemas.GetDownload,
                Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false },
            }, tools.GetDownloadAsync)
            {
                RequiredScope = ReadScope,
                Examples = [new JsonObject { ["fileId"] = "0123456789abcdef0123456789abcdef" }],
            };
        }
    }
}
