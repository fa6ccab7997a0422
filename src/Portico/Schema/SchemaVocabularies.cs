namespace Portico.Schema;

/// <summary>
/// The 2020-12 vocabularies whose keywords this validator evaluates. A meta-schema can leave some
/// out (its <c>$vocabulary</c>); their keywords are then plain annotations, as the specification says.
/// </summary>
[Flags]
internal enum SchemaVocabularies
{
    None = 0,
    Applicator = 1,
    Unevaluated = 2,
    Validation = 4,
    Format = 8,

    /// <summary>format-assertion: formats are checked whatever the compile options say.</summary>
    FormatAssertion = 16,
    All = Applicator | Unevaluated | Validation | Format,
}
