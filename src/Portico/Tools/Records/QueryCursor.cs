using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Access;

namespace Portico.Tools.Records;

/// <summary>
/// Where a page of <c>query_entities</c> ended: the sort it belongs to, the last entity's sort key (as JSON) and id.
/// Opaque to clients; it only positions a query that is filtered by tenant anyway, and every value in it is a parameter.
/// </summary>
internal sealed record QueryCursor(string? SortPath, bool Descending, string Key, string Id)
{
    public string Encode()
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["s"] = SortPath, ["d"] = Descending, ["k"] = Key, ["id"] = Id }.ToJsonString()));

    public static bool TryParse(string text, out QueryCursor? cursor)
    {
        cursor = null;
        try
        {
            if (text.Length > 4096 || JsonNode.Parse(Base64Url.DecodeFromChars(text)) is not JsonObject node
                || node["id"] is not JsonValue id || node["k"] is not JsonValue key || node["d"] is not JsonValue descending)
            {
                return false;
            }

            var sortPath = node["s"] is JsonValue s ? (string?)s : null;
            var keyText = (string?)key;
            if (!Ids.IsWellFormed((string?)id) || keyText is null || (sortPath is not null && !AttributePath.IsValid(sortPath)))
            {
                return false;
            }

            using var parsedKey = JsonDocument.Parse(keyText);
            if (parsedKey.RootElement.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
            {
                return false;
            }

            cursor = new QueryCursor(sortPath, (bool)descending, keyText, (string)id!);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
