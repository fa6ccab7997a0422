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

    /// <summary>
    /// The document declares draft 2019-09 (its <c>$schema</c>): the keywords 2020-12 introduced (<c>prefixItems</c>,
    /// <c>$dynamicRef</c>) are not keywords there, only annotations; its array-form <c>items</c> is the tuple form.
    /// </summary>
    Draft201909 = 32,
    All = Applicator | Unevaluated | Validation | Format,
}
