using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portico.Schema;

/// <summary>The <c>pattern</c> keyword: unanchored, as in ECMA 262 <c>test()</c>.</summary>
internal sealed class PatternNode(Regex regex, string pattern) : SchemaNode
{
    private readonly string _expected = "string matching " + pattern;

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var text = instance.GetString() ?? "";
        switch (SchemaRegex.IsMatch(regex, text))
        {
            case false:
                var received = InstanceText.Quote(text, InstanceText.PreviewLength);
                context.Report(_expected, received, $"must match the pattern {pattern}, got {received}.");
                break;
            case null:
                context.Report(_expected, InstanceText.Count(InstanceText.CodePointCount(text), "character", "characters"),
                    $"could not be checked against the pattern {pattern} in time; send a shorter or simpler value.");
                break;
        }
    }
}
