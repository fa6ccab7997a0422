namespace Portico.Gateway;

/// <summary>An upstream as listed by the CLI and the admin API: header names only, never their values (they may be secrets).</summary>
internal sealed record UpstreamOutput(
    string Name,
    string Transport,
    string? Url,
    IReadOnlyList<string> HeaderNames,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<string> EnvNames,
    string? WorkingDirectory,
    bool Enabled,
    IReadOnlyList<string> AllowTools,
    IReadOnlyList<string> DenyTools,
    double TimeoutSeconds,
    string CredentialMode,
    string CredentialHeader,
    string CredentialFormat,
    string Protocol)
{
    public static UpstreamOutput From(UpstreamDefinition d) => new(d.Name, d.Transport, d.Url?.ToString(), [.. d.Headers.Keys], d.Command, d.Args,
        [.. d.Env.Keys], d.WorkingDirectory, d.Enabled, d.AllowTools, d.DenyTools, d.Timeout.TotalSeconds, d.CredentialMode,
        d.CredentialHeader, d.CredentialFormat, d.Protocol);
}
