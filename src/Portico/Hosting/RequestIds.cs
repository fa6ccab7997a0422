namespace Portico.Hosting;

/// <summary>
/// Every response carries <c>X-Request-Id</c>. A well-formed incoming id (from a proxy or the
/// client) is kept so one id follows a request through every hop and log line.
/// </summary>
internal static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static bool IsWellFormed(string value)
    {
        if (value.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
