using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A JSON number held exactly as <c>±Digits × 10^Exponent</c>, read from the raw token text.
/// JSON numbers need not fit a double or decimal (<c>1e400</c>, 500-digit integers), so comparing
/// through either would throw or round; this form compares, tests integrality and divides exactly.
/// </summary>
internal readonly record struct JsonNumber(bool Negative, string Digits, long Exponent)
{
    // Exponents beyond this are clamped: the magnitudes compare the same and arithmetic stays in range.
    private const long ExponentLimit = 1L << 40;

    // Past this many significant digits, multipleOf falls back to double arithmetic to bound CPU.
    private const int ExactDigitLimit = 4096;

    public bool IsZero => Digits.Length == 0;

    public bool IsInteger => IsZero || Exponent >= 0;

    public static JsonNumber From(JsonElement number) => Parse(JsonMarshal.GetRawUtf8Value(number));

    /// <summary>Parses a JSON number token; the reader has already checked its grammar.</summary>
    public static JsonNumber Parse(ReadOnlySpan<byte> token)
    {
        var i = 0;
        var negative = i < token.Length && token[i] == '-';
        if (negative)
        {
            i++;
        }

        var digits = new StringBuilder();
        long fractionDigits = 0;
        var inFraction = false;
        for (; i < token.Length && token[i] is (>= (byte)'0' and <= (byte)'9') or (byte)'.'; i++)
        {
            if (token[i] == '.')
            {
                inFraction = true;
                continue;
            }

            if (digits.Length > 0 || token[i] != '0')
            {
                digits.Append((char)token[i]);
            }

            if (inFraction)
            {
                fractionDigits++;
            }
        }

        long exponent = 0;
        if (i < token.Length && token[i] is (byte)'e' or (byte)'E')
        {
            i++;
            var exponentNegative = i < token.Length && token[i] == '-';
            if (i < token.Length && token[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            for (; i < token.Length && token[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                exponent = Math.Min(exponent * 10 + (token[i] - '0'), ExponentLimit);
            }

            exponent = exponentNegative ? -exponent : exponent;
        }

        var trailingZeros = 0;
        while (trailingZeros < digits.Length && digits[digits.Length - 1 - trailingZeros] == '0')
        {
            trailingZeros++;
        }

        var text = digits.ToString(0, digits.Length - trailingZeros);
        return text.Length == 0
            ? new JsonNumber(false, "", 0)
            : new JsonNumber(negative, text, exponent - fractionDigits + trailingZeros);
    }

    public int CompareTo(JsonNumber other)
    {
        var sign = Sign();
        var otherSign = other.Sign();
        if (sign != otherSign)
        {
            return sign.CompareTo(otherSign);
        }

        var magnitude = CompareMagnitude(this, other);
        return Negative ? -magnitude : magnitude;
    }

    /// <summary>Whether this is an integer multiple of <paramref name="divisor"/> (which is positive).</summary>
    public bool IsMultipleOf(JsonNumber divisor)
    {
        if (IsZero)
        {
            return true;
        }

        if (Digits.Length > ExactDigitLimit || divisor.Digits.Length > ExactDigitLimit)
        {
            var quotient = ToDouble() / divisor.ToDouble();
            return double.IsInfinity(quotient) || (double.IsFinite(quotient) && Math.Abs(quotient - Math.Round(quotient)) < 1e-9);
        }

        var dividend = BigInteger.Parse(Digits, CultureInfo.InvariantCulture);
        var shift = Exponent - divisor.Exponent;
        if (shift < 0)
        {
            // this / divisor = Digits / (divisor.Digits × 10^-shift): the denominator must fit in Digits.
            if (-shift > Digits.Length)
            {
                return false;
            }

            return dividend % (BigInteger.Parse(divisor.Digits, CultureInfo.InvariantCulture) * BigInteger.Pow(10, (int)-shift)) == 0;
        }

        // Digits × 10^shift / divisor.Digits: the 10^shift can cancel up to `shift` factors of 2 and
        // of 5 in the divisor, so strip those instead of building a possibly astronomical power.
        var remaining = BigInteger.Parse(divisor.Digits, CultureInfo.InvariantCulture);
        remaining = StripFactor(remaining, 2, shift);
        remaining = StripFactor(remaining, 5, shift);
        return dividend % remaining == 0;
    }

    public double ToDouble() =>
        double.Parse($"{(Negative ? "-" : "")}0.{(IsZero ? "0" : Digits)}e{Exponent + Digits.Length}", CultureInfo.InvariantCulture);

    private int Sign() => IsZero ? 0 : Negative ? -1 : 1;

    private static int CompareMagnitude(JsonNumber left, JsonNumber right)
    {
        // The position of the leading digit decides first; equal positions compare digit by digit,
        // and with no trailing zeros the longer digit string is the larger one.
        var order = (left.Exponent + left.Digits.Length).CompareTo(right.Exponent + right.Digits.Length);
        if (order != 0)
        {
            return order;
        }

        var digits = string.CompareOrdinal(left.Digits, right.Digits);
        return Math.Sign(digits);
    }

    private static BigInteger StripFactor(BigInteger value, int factor, long maxTimes)
    {
        for (long i = 0; i < maxTimes && !value.IsZero && value % factor == 0; i++)
        {
            value /= factor;
        }

        return value;
    }
}
