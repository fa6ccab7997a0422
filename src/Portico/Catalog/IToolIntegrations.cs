namespace Portico.Catalog;

/// <summary>
/// The integration secrets a tool handler may read: only the one its tool declared
/// (<see cref="ToolDefinition.Integration"/>), only of the tenant the call resolved. The pipeline hands each call its own.
/// </summary>
internal interface IToolIntegrations
{
    /// <summary>
    /// The secret the tenant stored for <paramref name="integration"/>. Throws <see cref="InvalidOperationException"/> when the
    /// tool did not declare that integration (a programming error); a secret cleared since the call's check ends the call with
    /// the same <c>INTEGRATION_NOT_CONFIGURED</c> answer the check gives.
    /// </summary>
    ValueTask<string> GetSecretAsync(string integration, CancellationToken cancellationToken);
}
