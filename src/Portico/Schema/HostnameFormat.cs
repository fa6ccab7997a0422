using System.Globalization;
using System.Text;

namespace Portico.Schema;

/// <summary>
/// <c>hostname</c> (RFC 1123, with IDNA2008 A-labels checked by decoding them) and <c>idn-hostname</c>
/// (RFC 5890: U-labels too, with the RFC 5892 contextual rules and the RFC 5893 Bidi rule). The
/// code point classes are derived from Unicode general categories, which RFC 5892's algorithm
/// starts from, rather than from its full generated table.
/// </summary>
internal static class HostnameFormat
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static bool IsHostname(string text) => IsValid(text, international: false);

    public static bool IsIdnHostname(string text) => IsValid(text, international: true);

    private static bool IsValid(string text, bool international)
    {
        if (text.Length is 0 or > 1000)
        {
            return false;
        }

        var labels = international ? text.Split(['.', '\u3002', '\uFF0E', '\uFF61']) : text.Split('.');
        var asciiLength = labels.Length - 1;
        var unicodeLabels = new List<string>(labels.Length);
        foreach (var label in labels)
        {
            if (!TryLabel(label, international, out var ascii, out var unicode))
            {
                return false;
            }

            asciiLength += ascii.Length;
            unicodeLabels.Add(unicode);
        }

        return asciiLength <= 253 && Bidi.IsValid(unicodeLabels);
    }

    /// <summary>Checks one label; gives back its ASCII (A-label) and Unicode (U-label) forms.</summary>
    private static bool TryLabel(string label, bool international, out string ascii, out string unicode)
    {
        ascii = unicode = label;
        if (label.Length == 0)
        {
            return false;
        }

        if (Ascii.IsValid(label))
        {
            if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            {
                return label.Length <= 63 && IsLdh(label) && !HasHyphensAt3(label);
            }

            // An A-label must decode, mean something non-ASCII, re-encode to itself and decode to a valid U-label.
            try
            {
                unicode = Idn.GetUnicode(label);
                return label.Length <= 63 && !Ascii.IsValid(unicode)
                    && string.Equals(Idn.GetAscii(unicode), label, StringComparison.OrdinalIgnoreCase)
                    && IsULabel(unicode);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        if (!international || !IsULabel(label))
        {
            return false;
        }

        try
        {
            ascii = Idn.GetAscii(label);
            return ascii.Length <= 63;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsLdh(string label) =>
        label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool HasHyphensAt3(string label) => label.Length >= 4 && label[2] == '-' && label[3] == '-';

    private static bool IsULabel(string label)
    {
        if (!label.IsNormalized(NormalizationForm.FormC) || label[0] == '-' || label[^1] == '-' || HasHyphensAt3(label))
        {
            return false;
        }

        var points = label.EnumerateRunes().ToArray();
        if (Rune.GetUnicodeCategory(points[0]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
        {
            return false;
        }

        var arabicIndic = points.Any(p => p.Value is >= 0x0660 and <= 0x0669);
        var extendedArabicIndic = points.Any(p => p.Value is >= 0x06F0 and <= 0x06F9);
        if (arabicIndic && extendedArabicIndic)
        {
            return false;
        }

        for (var i = 0; i < points.Length; i++)
        {
            var before = i > 0 ? points[i - 1].Value : -1;
            var after = i + 1 < points.Length ? points[i + 1].Value : -1;
            var allowed = points[i].Value switch
            {
                0x00B7 => before == 'l' && after == 'l', // MIDDLE DOT (Catalan l·l)
                0x0375 => after >= 0 && IsGreek(after), // GREEK KERAIA
                0x05F3 or 0x05F4 => before >= 0 && IsHebrew(before), // GERESH, GERSHAYIM
                0x30FB => points.Any(p => p.Value != 0x30FB && IsJapanese(p.Value)), // KATAKANA MIDDLE DOT
                0x200D => before >= 0 && IsVirama(before), // ZERO WIDTH JOINER
                0x200C => (before >= 0 && IsVirama(before)) || (before >= 0 && after >= 0 && IsArabicLetter(before) && IsArabicLetter(after)),
                0x00DF or 0x03C2 or 0x06FD or 0x06FE or 0x0F0B or 0x3007 => true, // exceptions: PVALID
                0x0640 or 0x07FA or 0x302E or 0x302F or (>= 0x3031 and <= 0x3035) or 0x303B => false, // exceptions: DISALLOWED
                _ => IsProtocolValid(points[i]),
            };
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 5892's core: letters, marks and digits that survive NFKC case folding unchanged.</summary>
    private static bool IsProtocolValid(Rune point)
    {
        if (point.Value == '-' || (point.IsAscii && char.IsAsciiLetterOrDigit((char)point.Value)))
        {
            return true;
        }

        if (Rune.GetUnicodeCategory(point) is not (UnicodeCategory.LowercaseLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.DecimalDigitNumber))
        {
            return false;
        }

        var text = point.ToString();
        return string.Equals(text.Normalize(NormalizationForm.FormKC).ToLowerInvariant(), text, StringComparison.Ordinal);
    }

    private static bool IsGreek(int c) => c is (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF);

    private static bool IsHebrew(int c) => c is (>= 0x0590 and <= 0x05FF) or (>= 0xFB1D and <= 0xFB4F);

    private static bool IsJapanese(int c) => c is (>= 0x3040 and <= 0x309F) or (>= 0x30A0 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF)
        or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF);

    private static bool IsArabicLetter(int c) => c is (>= 0x0620 and <= 0x064A) or (>= 0x066E and <= 0x06D3);

    // Canonical combining class 9 (virama) in the scripts that use joiners.
    private static bool IsVirama(int c) => c is 0x094D or 0x09CD or 0x0A4D or 0x0ACD or 0x0B4D or 0x0BCD or 0x0C4D
        or 0x0CCD or 0x0D3B or 0x0D3C or 0x0D4D or 0x0DCA or 0x0E3A or 0x0EBA or 0x0F84 or 0x1039 or 0x103A or 0x1714
        or 0x1734 or 0x17D2 or 0x1A60 or 0x1B44 or 0x1BAA or 0x1BAB or 0xA806 or 0xA8C4 or 0xA953 or 0xA9C0 or 0xAAF6 or 0xABED;
}
