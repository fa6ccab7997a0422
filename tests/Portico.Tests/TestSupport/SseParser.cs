namespace Portico.Tests.TestSupport;

/// <summary>Just enough SSE parsing for tests: the events of a finished stream.</summary>
internal static class SseParser
{
    public static IEnumerable<string> DataOf(string body) => Events(body).Select(e => e.Data);

    public static List<(string? Id, string? Event, string Data, string? Retry)> Events(string body)
    {
        var events = new List<(string?, string?, string, string?)>();
        foreach (var block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null, type = null, retry = null;
            var data = new List<string>();
            foreach (var line in block.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var field = line[..colon];
                var value = line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": type = value; break;
                    case "data": data.Add(value); break;
                    case "retry": retry = value; break;
                }
            }

            events.Add((id, type, string.Join('\n', data), retry));
        }

        return events;
    }
}
