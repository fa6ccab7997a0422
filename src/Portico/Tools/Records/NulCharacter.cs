using System.Text.Json;

namespace Portico.Tools.Records;

/// <summary>
/// Finds U+0000 in a JSON value. PostgreSQL's jsonb cannot hold it ("unsupported Unicode escape sequence"), so a value with
/// one would fail there — on the write, or on every later query of the tenant — while SQLite took it. It is refused on
/// both stores, up front, so the two behave alike.
/// </summary>
internal static class NulCharacter
{
    public const string Hint = "Remove the NUL character (\\u0000) from the value: the store cannot keep it in JSON.";

    public static bool IsIn(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Object => value.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || IsIn(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(IsIn),
        _ => false,
    };
}
