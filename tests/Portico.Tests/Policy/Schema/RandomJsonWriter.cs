using System.Globalization;
using System.Text;

namespace Portico.Tests.Policy.Schema;

/// <summary>
/// Writes random JSON documents as raw text, so they can hold what no serializer would produce:
/// numbers like 1e400 or 40-digit integers, astral-plane text, megabyte strings, 200 levels of
/// nesting. Keys come mostly from the fuzzed schemas' vocabulary, so values reach deep validators.
/// </summary>
internal sealed class RandomJsonWriter(Random random)
{
    private static readonly string[] Keys =
    [
        "name", "schema", "tableConfig", "headers", "columnOne", "columnTwo", "meta", "width", "tags", "createdAt",
        "owner", "id", "homepage", "value", "children", "kind", "radius", "w", "h", "n", "f", "big", "forbidden",
        "a.b", "", "ключ", "😀", "$ref",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "1.0", "-1", "0.1", "0.3", "19.99", "1e400", "-1e400", "1e-400", "1E+308", "2.5e-3",
        "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "1e99999999999", "100", "1000.000",
    ];

    private static readonly string[] Strings =
    [
        "circle", "rect", "tag-a", "tag-b", "2025-01-31T09:30:00Z", "1998-12-31T23:59:60Z", "2025-02-30T00:00:00Z",
        "joe@example.com", "\"quoted\"@[IPv6:::1]", "123e4567-e89b-12d3-a456-426614174000", "https://example.com/a?b#c",
        "not a uri", "table_one", "Table One",
    ];

    public int LongStrings { get; private set; }

    public int MaxDepthWritten { get; private set; }

    public string Document()
    {
        var builder = new StringBuilder();
        // Mostly shallow documents; now and then a spine nested up to 200 levels deep.
        var depthBudget = random.Next(20) == 0 ? random.Next(64, 201) : random.Next(0, 8);
        Value(builder, 0, depthBudget);
        return builder.ToString();
    }

    private void Value(StringBuilder builder, int depth, int budget)
    {
        MaxDepthWritten = Math.Max(MaxDepthWritten, depth);
        // A deep spine is all containers down to its budget; shallow documents stop at random.
        var roll = depth < budget && budget > 8 ? random.Next(55) : random.Next(100);
        if (depth < budget && roll < 30)
        {
            Object(builder, depth, budget);
        }
        else if (depth < budget && roll < 55)
        {
            Array(builder, depth, budget);
        }
        else if (roll < 75)
        {
            String(builder);
        }
        else if (roll < 90)
        {
            builder.Append(random.Next(3) == 0 ? random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture) : Numbers[random.Next(Numbers.Length)]);
        }
        else
        {
            builder.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
        }
    }

    private void Object(StringBuilder builder, int depth, int budget)
    {
        builder.Append('{');
        // On a deep spine, keep one child so the document stays small while it grows deep.
        var count = budget > 8 ? 1 : random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Quote(builder, random.Next(5) == 0 ? RandomText(random.Next(0, 12)) : Keys[random.Next(Keys.Length)]);
            builder.Append(':');
            Value(builder, depth + 1, budget);
        }

        builder.Append('}');
    }

    private void Array(StringBuilder builder, int depth, int budget)
    {
        builder.Append('[');
        var count = budget > 8 ? 1 : random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Value(builder, depth + 1, budget);
        }

        builder.Append(']');
    }

    private void String(StringBuilder builder)
    {
        var roll = random.Next(1000);
        if (roll < 2)
        {
            LongStrings++;
            Quote(builder, RandomText(random.Next(100_000, 1_000_001)));
        }
        else
        {
            Quote(builder, roll < 500 ? Strings[random.Next(Strings.Length)] : RandomText(random.Next(0, 60)));
        }
    }

    private string RandomText(int length)
    {
        var builder = new StringBuilder(length);
        while (builder.Length < length)
        {
            switch (random.Next(10))
            {
                case < 5: builder.Append((char)random.Next('a', 'z' + 1)); break;
                case 5: builder.Append((char)random.Next(0, 0x20)); break;
                case 6: builder.Append("\"\\/.~"[random.Next(5)]); break;
                case 7: builder.Append((char)random.Next(0x80, 0xD800)); break;
                default: builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000))); break;
            }
        }

        return builder.ToString();
    }

    private static void Quote(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < ' ')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }
}
