using System.Globalization;
using System.Text;

namespace Portico.Schema;

/// <summary>
/// RFC 5893's Bidi rule for internationalized host names. Bidi classes are approximated from script
/// ranges and general categories (.NET exposes no Bidi_Class): R for Hebrew-family letters, AL for
/// Arabic-family letters, AN/EN for the two Arabic digit sets and ASCII digits, NSM for marks.
/// </summary>
internal static class Bidi
{
    private enum BidiClass
    {
        L,
        R,
        AL,
        AN,
        EN,
        NSM,
        Other,
    }

    public static bool IsValid(IReadOnlyList<string> labels)
    {
        // The rule only applies to a name with a right-to-left label.
        if (!labels.Any(label => label.EnumerateRunes().Any(p => ClassOf(p) is BidiClass.R or BidiClass.AL or BidiClass.AN)))
        {
            return true;
        }

        return labels.All(label => label.Length == 0 || IsValidLabel([.. label.EnumerateRunes().Select(ClassOf)]));
    }

    private static bool IsValidLabel(BidiClass[] classes)
    {
        var last = Array.FindLastIndex(classes, c => c != BidiClass.NSM);
        if (last < 0)
        {
            return false;
        }

        if (classes[0] is BidiClass.R or BidiClass.AL)
        {
            // Rules 2-4: right-to-left label.
            return classes.All(c => c is BidiClass.R or BidiClass.AL or BidiClass.AN or BidiClass.EN or BidiClass.NSM or BidiClass.Other)
                && classes[last] is BidiClass.R or BidiClass.AL or BidiClass.EN or BidiClass.AN
                && !(classes.Contains(BidiClass.EN) && classes.Contains(BidiClass.AN));
        }

        // Rules 1, 5, 6: a label must start with L (or R/AL above); left-to-right labels hold no R, AL or AN.
        return classes[0] == BidiClass.L
            && classes.All(c => c is BidiClass.L or BidiClass.EN or BidiClass.NSM or BidiClass.Other)
            && classes[last] is BidiClass.L or BidiClass.EN;
    }

    private static BidiClass ClassOf(Rune point)
    {
        var c = point.Value;
        if (c is >= '0' and <= '9' or (>= 0x06F0 and <= 0x06F9))
        {
            return BidiClass.EN;
        }

        if (c is (>= 0x0660 and <= 0x0669) or 0x066B or 0x066C)
        {
            return BidiClass.AN;
        }

        var category = Rune.GetUnicodeCategory(point);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            return BidiClass.NSM;
        }

        if (c is (>= 0x0590 and <= 0x05FF) or (>= 0x07C0 and <= 0x085F) or (>= 0xFB1D and <= 0xFB4F))
        {
            return BidiClass.R;
        }

        if (c is (>= 0x0600 and <= 0x07BF) or (>= 0x0860 and <= 0x08FF) or (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF))
        {
            return BidiClass.AL;
        }

        return category is UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.SpacingCombiningMark
            ? BidiClass.L
            : BidiClass.Other;
    }
}
