using System.Globalization;

namespace Portico.Cli;

/// <summary>A plain text table with aligned columns; the last column is not padded, so long values do not push the others.</summary>
internal sealed class CliTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public async Task WriteAsync(TextWriter writer)
    {
        var widths = headers.Select((header, column) => _rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        await WriteRowAsync(writer, headers, widths);
        foreach (var row in _rows)
        {
            await WriteRowAsync(writer, row, widths);
        }
    }

    /// <summary>A time as the tables show it: UTC to the minute, or "-" for none.</summary>
    public static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static Task WriteRowAsync(TextWriter writer, string[] cells, int[] widths)
        => writer.WriteLineAsync(string.Join("  ", cells.Select((cell, column) => column == cells.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
}
