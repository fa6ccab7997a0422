using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portico.Storage;

/// <summary>
/// Times are stored as UTC Unix milliseconds: comparable and sortable in SQL on SQLite and
/// PostgreSQL alike (SQLite cannot compare DateTimeOffset in queries).
/// </summary>
internal static class StoreTime
{
    public static readonly ValueConverter<DateTimeOffset, long> Converter = new(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public static readonly ValueConverter<DateTimeOffset?, long?> NullableConverter = new(
        v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : null,
        v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);
}
