using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Portico.Access;

namespace Portico.Tools.Records;

/// <summary>
/// Where a page of <c>list-records</c> ended: the last record's creation time and id (the list
/// order). Opaque to clients; it only positions a query that is filtered by tenant anyway.
/// </summary>
internal readonly record struct RecordCursor(DateTimeOffset CreatedAt, string Id)
{
    public static RecordCursor After(StoredEntity record) => new(record.CreatedAt, record.Id);

    public string Encode()
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.ToUnixTimeMilliseconds()}.{Id}")));

    public static bool TryParse(string text, out RecordCursor cursor)
    {
        cursor = default;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split('.');
        if (parts is not [var milliseconds, var id] || !Ids.IsWellFormed(id)
            || !long.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unixMilliseconds)
            || unixMilliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        cursor = new RecordCursor(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds), id);
        return true;
    }
}
