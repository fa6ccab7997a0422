using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>format</c> keyword, when asserted (see <see cref="JsonSchemaCompiler.Compile"/>), for every
/// format 2020-12 defines. An unknown format name stays an annotation and never reaches this node.
/// </summary>
internal sealed class FormatNode(string format, Func<string, bool> check) : SchemaNode
{
    private readonly string _expected = format switch
    {
        "date-time" => "string in date-time format (RFC 3339, e.g. 2025-01-31T09:30:00Z)",
        "uri" => "string in uri format (absolute URI, e.g. https://example.com/a)",
        "email" => "string in email format (e.g. name@example.com)",
        "uuid" => "string in uuid format (e.g. 123e4567-e89b-12d3-a456-426614174000)",
        "date" => "string in date format (RFC 3339 full-date, e.g. 2025-01-31)",
        "time" => "string in time format (RFC 3339 full-time, e.g. 09:30:00Z)",
        "duration" => "string in duration format (ISO 8601, e.g. P3DT4H)",
        "ipv4" => "string in ipv4 format (e.g. 192.0.2.1)",
        "ipv6" => "string in ipv6 format (e.g. 2001:db8::1)",
        _ => $"string in {format} format",
    };

    public static Func<string, bool>? CheckerFor(string format) => format switch
    {
        "date-time" => DateTimeFormat.IsValid,
        "uri" => UriFormat.IsValid,
        "email" => EmailFormat.IsValid,
        "uuid" => IsUuid,
        "date" => DateTimeFormat.IsDate,
        "time" => DateTimeFormat.IsTime,
        "duration" => DateTimeFormat.IsDuration,
        "ipv4" => IpFormat.IsIPv4,
        "ipv6" => IpFormat.IsIPv6,
        "hostname" => HostnameFormat.IsHostname,
        "idn-hostname" => HostnameFormat.IsIdnHostname,
        "idn-email" => EmailFormat.IsInternational,
        "uri-reference" => UriFormat.IsReference,
        "iri" => UriFormat.IsIri,
        "iri-reference" => UriFormat.IsIriReference,
        "uri-template" => UriTemplateFormat.IsValid,
        "json-pointer" => PointerFormat.IsJsonPointer,
        "relative-json-pointer" => PointerFormat.IsRelativeJsonPointer,
        "regex" => EcmaRegex.IsEcmaSyntax,
        _ => null,
    };

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind == JsonValueKind.String && instance.GetString() is { } text && !check(text))
        {
            var received = InstanceText.Quote(text, InstanceText.PreviewLength);
            context.Report(_expected, received, $"must be a {_expected}, got {received}.");
        }
    }

    private static bool IsUuid(string text)
    {
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
