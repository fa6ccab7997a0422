using System.Text.RegularExpressions;

namespace Portico.Schema;

/// <summary>One <c>patternProperties</c> entry: names matching <see cref="Regex"/> get <see cref="Schema"/>.</summary>
internal sealed record PatternProperty(string Pattern, Regex Regex, SchemaNode Schema);
