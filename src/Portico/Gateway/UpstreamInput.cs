namespace Portico.Gateway;

/// <summary>The body of <c>POST /admin/api/upstreams</c>.</summary>
internal sealed record UpstreamInput
{
    public string? Name { get; init; }

    /// <summary><c>http</c> or <c>stdio</c>; inferred from url/command when left out.</summary>
    public string? Transport { get; init; }

    public string? Url { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public string? Command { get; init; }

    public List<string>? Args { get; init; }

    public Dictionary<string, string>? Env { get; init; }

    public string? WorkingDirectory { get; init; }

    public bool? Enabled { get; init; }

    public List<string>? AllowTools { get; init; }

    public List<string>? DenyTools { get; init; }

    public double? TimeoutSeconds { get; init; }

    public string? CredentialMode { get; init; }

    /// <summary>The header stored credentials travel in; <c>Authorization</c> when left out.</summary>
    public string? CredentialHeader { get; init; }

    /// <summary>The header's value with <c>{secret}</c>; <c>Bearer {secret}</c> for Authorization, else the bare secret.</summary>
    public string? CredentialFormat { get; init; }

    /// <summary>The MCP revision to speak to it: <c>2025-11-25</c> (the default) or <c>2026-07-28</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary>The definition it describes; <see cref="UpstreamDefinition.Problem"/> says whether it is usable.</summary>
    public UpstreamDefinition ToDefinition() => new()
    {
        Name = Name ?? "",
        Transport = Transport ?? (Command is not null ? UpstreamTransport.Stdio : UpstreamTransport.Http).Name,
        Url = Url is not null && Uri.TryCreate(Url, UriKind.Absolute, out var url) ? url : null,
        Headers = Headers ?? [],
        Command = Command,
        Args = Args ?? [],
        Env = Env ?? [],
        WorkingDirectory = WorkingDirectory,
        Enabled = Enabled ?? true,
        AllowTools = AllowTools ?? [],
        DenyTools = DenyTools ?? [],
        Timeout = TimeoutSeconds is > 0 ? TimeSpan.FromSeconds(TimeoutSeconds.Value) : UpstreamDefinition.DefaultTimeout,
        CredentialMode = CredentialMode ?? UpstreamDefinition.CredentialsNone,
        CredentialHeader = CredentialHeader ?? UpstreamDefinition.DefaultCredentialHeader,
        CredentialFormat = CredentialFormat ?? UpstreamDefinition.DefaultFormatFor(CredentialHeader ?? UpstreamDefinition.DefaultCredentialHeader),
        Protocol = Protocol ?? UpstreamDefinition.DefaultProtocol,
    };
}
