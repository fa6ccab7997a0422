using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Portico.Mcp;

/// <summary>
/// What System.Text.Json accepts while tokenizing but fails on later, deep inside the SDK (as a 500 or a
/// -32603): bytes that are not UTF-8, <c>\u</c> escapes naming a lone surrogate, and an object that names
/// the same key twice (a <see cref="System.Text.Json.Nodes.JsonObject"/> throws on first access). One pass
/// over syntactically valid JSON finds all three, so the client gets a precise error instead.
/// </summary>
internal static class JsonTextCheck
{
    /// <summary>The byte offset of the first invalid UTF-8 sequence (overlong forms and encoded surrogates included), or -1.</summary>
    public static int InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
        {
            return -1;
        }

        var offset = 0;
        while (offset < body.Length)
        {
            if (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>The first problem in <paramref name="body"/> (already known to be valid JSON), or null.</summary>
    public static Problem? Find(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        var open = new List<Container>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    open.Add(new Container(isObject: true));
                    break;
                case JsonTokenType.StartArray:
                    open.Add(new Container(isObject: false));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    open.RemoveAt(open.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    if (!TryGetString(ref reader, out var name))
                    {
                        return new Problem(ProblemKind.LoneSurrogate, PathOf(open, throughInnermost: false, leaf: "(a key)"), TopLevelMember(open));
                    }

                    var container = open[^1];
                    container.Names ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!container.Names.Add(name))
                    {
                        return new Problem(ProblemKind.DuplicateKey, PathOf(open, throughInnermost: false, leaf: name), TopLevelMember(open));
                    }

                    container.Current = name;
                    break;
                case JsonTokenType.String when reader.ValueIsEscaped:
                    if (!TryGetString(ref reader, out _))
                    {
                        return new Problem(ProblemKind.LoneSurrogate, PathOf(open, throughInnermost: true, leaf: null), TopLevelMember(open));
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>The message member (e.g. <c>params</c>) the problem is inside of; null when it is in the envelope itself.</summary>
    private static string? TopLevelMember(List<Container> open) => open.Count > 1 ? open[0].Current : null;

    private static bool TryGetString(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to transcode an escaped lone surrogate (e.g. "\ud800") to a .NET string.
            value = "";
            return false;
        }
    }

    /// <summary>A dotted path to the problem: the keys of the enclosing containers (<c>[]</c> for arrays), then <paramref name="leaf"/>.</summary>
    private static string PathOf(List<Container> open, bool throughInnermost, string? leaf)
    {
        var path = new StringBuilder();
        var count = throughInnermost ? open.Count : open.Count - 1;
        for (var i = 0; i < count; i++)
        {
            Append(path, open[i].IsObject ? open[i].Current : null);
        }

        Append(path, leaf);
        return path.Length > 0 ? path.ToString() : "(top level)";
    }

    private static void Append(StringBuilder path, string? key)
    {
        if (key is null)
        {
            path.Append(path.Length > 0 ? "[]" : "");
            return;
        }

        path.Append(path.Length > 0 ? "." : "").Append(Hosting.LogValue.Safe(key));
    }

    private sealed class Container(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public HashSet<string>? Names { get; set; }

        /// <summary>The key whose value is being read.</summary>
        public string? Current { get; set; }
    }

    public enum ProblemKind
    {
        DuplicateKey,
        LoneSurrogate,
    }

    /// <summary>What is wrong, where (a dotted path), and under which top-level member of the message.</summary>
    public sealed record Problem(ProblemKind Kind, string Path, string? TopLevelMember);
}
