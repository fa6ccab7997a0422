using System.Globalization;

namespace Portico.Tools.Records;

/// <summary>
/// A model's id, <c>Name-Version</c>: the name (letters, digits, '_' and '.'-separated parts, starting with a letter) and
/// a whole-number version after the last '-'. "MyType-1" is one; "MyType-1.0.0" is not — the version is a number, not
/// SemVer (the seed's CkTypeId rule, with its "Invalid CkTypeId" message). A changed schema is a new version.
/// </summary>
internal readonly record struct ModelId(string Name, int Version)
{
    public const int MaxNameLength = 100;

    /// <summary>Models whose name starts with this belong to Portico itself; no tool imports or defines them.</summary>
    public const string ServicePrefix = "System.";

    public bool IsServiceManaged => Name.StartsWith(ServicePrefix, StringComparison.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}-{Version}");

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong with it, after "Invalid CkTypeId '…': ".</summary>
    public static bool TryParse(string? text, out ModelId id, out string problem)
    {
        id = default;
        problem = "";
        var dash = text?.LastIndexOf('-') ?? -1;
        if (text is null || dash <= 0 || dash == text.Length - 1)
        {
            problem = "expected Name-Version, e.g. 'MyType-1'";
            return false;
        }

        var name = text[..dash];
        var version = text[(dash + 1)..];
        if (!uint.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is 0 or > int.MaxValue)
        {
            problem = $"the version '{version}' after the last '-' must be a whole number from 1 (Name-Version, e.g. 'MyType-1'), not SemVer";
            return false;
        }

        if (!IsName(name))
        {
            problem = $"the name must be 1-{MaxNameLength} characters: parts of letters, digits and '_' separated by '.', each starting with a letter (e.g. 'Basic.Contact')";
            return false;
        }

        id = new ModelId(name, (int)number);
        return true;
    }

    private static bool IsName(string name)
        => name.Length <= MaxNameLength
            && name.Split('.').All(part => part.Length > 0 && char.IsAsciiLetter(part[0]) && part.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
}
