using System.Text.RegularExpressions;

namespace Portico.Schema;

/// <summary>
/// Regular expressions from schemas (pattern, patternProperties), written in ECMA 262 and rewritten
/// by <see cref="EcmaRegex"/> where .NET reads the same text differently. The match timeout bounds
/// catastrophic backtracking on hostile input, and callers turn a timeout into a violation rather
/// than an exception; the length cap bounds what a hostile schema can make the parser chew on.
/// </summary>
internal static class SchemaRegex
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public const int MaxPatternLength = 10_000;

    public static Regex? TryCreate(string pattern, out string? error)
    {
        if (pattern.Length > MaxPatternLength)
        {
            error = $"regular expression is {pattern.Length} characters long; at most {MaxPatternLength} are accepted";
            return null;
        }

        try
        {
            error = null;
            return new Regex(EcmaRegex.ToDotNet(pattern), RegexOptions.None, MatchTimeout);
        }
        catch (RegexParseException exception)
        {
            error = $"invalid regular expression ({exception.Error})";
            return null;
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
