using System.Text.Json;

namespace Portico.Tools.Records.Transfers;

/// <summary>Input schemas of the transfer tools (the tenant pack adds the optional <c>tenantId</c> to each).</summary>
internal static class TransferSchemas
{
    public static readonly JsonElement PrepareUpload = Records.RecordSchemas.Schema("""
        {
          "name": { "type": "string", "minLength": 1, "maxLength": 255, "description": "The file's name, e.g. \"contacts.ndjson\" (a label: it is never part of a path)." },
          "size": { "type": "integer", "minimum": 0, "description": "The file's length in bytes (at most 5 GiB unless the server says otherwise)." },
          "sha256": { "type": "string", "pattern": "^[0-9a-fA-F]{64}$", "description": "The SHA-256 of the whole file, 64 hex characters; checked when the last byte arrives." },
          "contentType": { "type": "string", "minLength": 3, "maxLength": 127, "pattern": "^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$",
            "description": "The file's media type, e.g. \"application/x-ndjson\" or \"text/csv\" (default application/octet-stream)." }
        }
        """, "name", "size", "sha256");

    public static readonly JsonElement GetDownload = Records.RecordSchemas.Schema("""
        {
          "fileId": { "type": "string", "pattern": "^[0-9a-fA-F]{32}$", "description": "The id of an uploaded file: the transferId of a completed upload (prepare_file_upload)." }
        }
        """, "fileId");
}
