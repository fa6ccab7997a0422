namespace Portico.Access;

/// <summary>The <c>WWW-Authenticate: Bearer …</c> challenge (RFC 6750 3, RFC 9728 5.1), one format for every refusal.</summary>
internal static class BearerChallenge
{
    public static string Format(string? resourceMetadata, string? error = null, string? description = null, string? scope = null)
    {
        var parameters = new List<string>(4);
        if (resourceMetadata is not null)
        {
            parameters.Add($"resource_metadata=\"{resourceMetadata}\"");
        }

        if (error is not null)
        {
            parameters.Add($"error=\"{error}\"");
        }

        if (scope is not null)
        {
            parameters.Add($"scope=\"{scope}\"");
        }

        if (description is not null)
        {
            // A quoted-string cannot hold a double quote unescaped; an apostrophe reads the same.
            parameters.Add($"error_description=\"{description.Replace('"', '\'').Replace('\\', '/')}\"");
        }

        return parameters.Count == 0 ? "Bearer" : "Bearer " + string.Join(", ", parameters);
    }
}
