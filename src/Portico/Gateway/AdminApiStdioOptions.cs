namespace Portico.Gateway;

/// <summary>
/// Bound from <c>Portico:Gateway:AdminApiStdio</c>. A stdio upstream runs a command on the server's
/// host, so by default only an operator adds one (CLI, on the store); the network admin API may add
/// them only when this is enabled, and then only for the executables listed here.
/// </summary>
internal sealed class AdminApiStdioOptions
{
    public const string SectionName = GatewayOptions.SectionName + ":AdminApiStdio";

    public bool Enabled { get; set; }

    /// <summary>Commands the admin API may name, compared exactly (e.g. <c>npx</c>, <c>/usr/bin/node</c>).</summary>
    public List<string> AllowedCommands { get; set; } = [];

    /// <summary>Why the admin API may not start <paramref name="command"/>; null when it may.</summary>
    public string? Refusal(string command)
        => !Enabled
            ? "The admin API does not add stdio upstreams: they run a command on the server's host, which only an operator may configure."
            : !AllowedCommands.Contains(command, StringComparer.Ordinal)
                ? $"The command '{command}' is not in {SectionName}:AllowedCommands, the executables the admin API may start."
                : null;

    public const string Hint = "An operator adds it with the CLI on the server's store (portico upstreams add --name NAME --command CMD --arg …), "
        + "or enables " + SectionName + ":Enabled=true together with " + SectionName + ":AllowedCommands (e.g. [\"npx\", \"/usr/bin/node\"]) in the server's configuration.";
}
