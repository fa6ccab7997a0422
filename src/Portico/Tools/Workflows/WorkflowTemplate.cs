using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portico.Tools.Workflows;

/// <summary>
/// The argument templates of workflow steps (docs/workflows.md): <c>{{ input.x }}</c> and <c>{{ steps.fetch.output.items[0].id }}</c>
/// read the run's input and earlier steps' outputs; <c>{{ run.id }}</c> names the run (an idempotency key that holds across retries and takeovers). A string that is one placeholder becomes the value it names (any JSON
/// value); placeholders inside other text are replaced by the value's text. Paths only read: no expressions, no calls.
/// </summary>
internal static partial class WorkflowTemplate
{
    /// <summary>The problems of the templates in <paramref name="arguments"/>, given the steps that run before this one.</summary>
    public static IReadOnlyList<string> Check(JsonNode? arguments, IReadOnlyCollection<string> earlierSteps)
    {
        var problems = new List<string>();
        foreach (var text in Strings(arguments))
        {
            foreach (Match placeholder in Placeholder().Matches(text))
            {
                try
                {
                    var segments = ParsePath(placeholder.Groups["path"].Value);
                    CheckRoot(segments, earlierSteps);
                }
                catch (WorkflowTemplateException ex)
                {
                    problems.Add(ex.Message);
                }
            }

            if (Placeholder().Replace(text, "").Contains("{{", StringComparison.Ordinal))
            {
                problems.Add($"'{Short(text)}' has an unclosed or malformed '{{{{ … }}}}' placeholder.");
            }
        }

        return problems;
    }

    /// <summary>Substitutes every placeholder in a copy of <paramref name="template"/> from <paramref name="scope"/> (<c>{input, steps}</c>).</summary>
    public static JsonNode? Render(JsonNode? template, JsonObject scope) => template switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Render(p.Value, scope)))),
        JsonArray array => new JsonArray([.. array.Select(item => Render(item, scope))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => RenderString(value.GetValue<string>(), scope),
        _ => template?.DeepClone(),
    };

    private static JsonNode? RenderString(string text, JsonObject scope)
    {
        var whole = Placeholder().Match(text);
        if (whole.Success && whole.Index == 0 && whole.Length == text.Length)
        {
            return Resolve(whole.Groups["path"].Value, scope)?.DeepClone();
        }

        return JsonValue.Create(Placeholder().Replace(text, m => Resolve(m.Groups["path"].Value, scope) switch
        {
            null => "null",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            var node => node.ToJsonString(),
        }));
    }

    private static JsonNode? Resolve(string path, JsonObject scope)
    {
        var segments = ParsePath(path);
        JsonNode? current = scope;
        var walked = new StringBuilder();
        foreach (var segment in segments)
        {
            current = segment switch
            {
                string key when current is JsonObject obj && obj.TryGetPropertyValue(key, out var next) => next,
                int index when current is JsonArray array && index < array.Count => array[index],
                _ => throw new WorkflowTemplateException(Missing(path, walked.ToString(), segment, current)),
            };
            walked.Append(segment is int i ? string.Create(CultureInfo.InvariantCulture, $"[{i}]") : (walked.Length == 0 ? "" : ".") + segment);
        }

        return current;
    }

    private static string Missing(string path, string walked, object segment, JsonNode? at)
    {
        var what = segment is int index ? string.Create(CultureInfo.InvariantCulture, $"item [{index}]") : $"'{segment}'";
        var where = walked.Length == 0 ? "the run" : $"'{walked}'";
        var kind = at switch
        {
            null => "null",
            JsonArray array => string.Create(CultureInfo.InvariantCulture, $"an array of {array.Count}"),
            JsonObject obj => obj.Count == 0 ? "an empty object" : $"an object with {string.Join(", ", obj.Select(p => p.Key).Take(10))}",
            _ => at.GetValueKind().ToString().ToLowerInvariant(),
        };
        return $"Template '{{{{ {path} }}}}': {where} has no {what} ({where} is {kind}).";
    }

    /// <summary><c>input…</c>, <c>steps.&lt;an earlier step&gt;.output…</c>, or the run's own ids (for idempotency keys).</summary>
    private static void CheckRoot(List<object> segments, IReadOnlyCollection<string> earlierSteps)
    {
        var path = Format(segments);
        switch (segments)
        {
            case ["input", ..]:
            case ["run", "id" or "workflow_id" or "workflow_version"]:
                return;
            case ["steps", string step, "output", ..] when earlierSteps.Contains(step):
                return;
            case ["steps", string step, ..] when !earlierSteps.Contains(step):
                throw new WorkflowTemplateException($"Template '{{{{ {path} }}}}' names step '{step}', which does not run before this one (earlier steps: {(earlierSteps.Count == 0 ? "none" : string.Join(", ", earlierSteps))}).");
            case ["steps", string, ..]:
                throw new WorkflowTemplateException($"Template '{{{{ {path} }}}}': read a step's result as steps.<name>.output….");
            default:
                throw new WorkflowTemplateException($"Template '{{{{ {path} }}}}' must start with 'input' or 'steps' (or be run.id, run.workflow_id or run.workflow_version).");
        }
    }

    /// <summary>Splits <c>a.b[0]["c d"]</c> into <c>a</c>, <c>b</c>, <c>0</c>, <c>c d</c>.</summary>
    private static List<object> ParsePath(string path)
    {
        var segments = new List<object>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    throw Malformed(path, "an unclosed '['");
                }

                var inside = path[(i + 1)..end];
                if (inside.Length >= 2 && inside[0] == '"' && inside[^1] == '"')
                {
                    segments.Add(inside[1..^1]);
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(index);
                }
                else
                {
                    throw Malformed(path, $"'[{inside}]' (use [0] for an item or [\"key\"] for a property)");
                }

                i = end + 1;
            }
            else
            {
                if (path[i] == '.')
                {
                    if (segments.Count == 0)
                    {
                        throw Malformed(path, "a leading '.'");
                    }

                    i++;
                }

                var start = i;
                while (i < path.Length && (char.IsAsciiLetterOrDigit(path[i]) || path[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    throw Malformed(path, $"an empty name at position {start}");
                }

                segments.Add(path[start..i]);
            }
        }

        return segments.Count == 0 ? throw Malformed(path, "no path") : segments;
    }

    private static string Format(List<object> segments)
        => string.Concat(segments.Select((s, i) => s is int index ? string.Create(CultureInfo.InvariantCulture, $"[{index}]") : (i == 0 ? "" : ".") + s));

    private static WorkflowTemplateException Malformed(string path, string what) => new($"Template '{{{{ {path} }}}}' has {what}.");

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"\{\{\s*(?<path>[^{}]*?)\s*\}\}")]
    private static partial Regex Placeholder();
}
