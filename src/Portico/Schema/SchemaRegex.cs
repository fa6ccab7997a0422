using System.Text.RegularExpressions;

namespace Portico.Schema;

/// <summary>
/// Regular expressions from schemas (pattern, patternProperties). .NET's default dialect is close
/// enough to ECMA 262 for schema use; the match timeout bounds catastrophic backtracking on hostile
/// input, and callers turn a timeout into a violation rather than an exception.
/// </summary>
internal static class SchemaRegex
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static Regex? TryCreate(string pattern, out string? error)
    {
        try
        {
            error = null;
            return new Regex(pattern, RegexOptions.None, MatchTimeout);
        }
        catch (ArgumentException exception)
        {
            error = "invalid regular expression: " + exception.Message;
            return null;
        }
    }

    /// <summary>True or false for a match; null when the match ran out of time.</summary>
    public static bool? IsMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
