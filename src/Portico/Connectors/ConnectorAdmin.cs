using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portico.Gateway;
using Portico.Security;
using Portico.Storage;

namespace Portico.Connectors;

/// <summary>
/// Adds, reloads, lists and removes connectors in the store (the admin API and the CLI). Every save is a store change
/// (<see cref="ConnectorTopics.Connectors"/>), so every instance serves the new tools without a restart. A document is
/// parsed, normalized and built into tools before it is stored: one that cannot be served is refused with the reason.
/// </summary>
internal sealed partial class ConnectorAdmin(PorticoDbContext db, TimeProvider time, OutboundHttpClient http, int maxDocumentBytes,
    Integrations.IntegrationRegistry? integrations = null)
{
    public const string Hint = "See 'portico connectors add --help'.";

    public async Task<ConnectorRecord> AddAsync(ConnectorInput input, string? by, CancellationToken cancellationToken)
    {
        var name = input.Name ?? "";
        if (!NamePattern().IsMatch(name) || name.Contains("__", StringComparison.Ordinal))
        {
            throw new ConnectorException($"The connector name '{name}' is invalid.", "Use 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit: it prefixes the tools' names and names its integration.");
        }

        if (await db.Set<ConnectorRecord>().AnyAsync(c => c.Name == name, cancellationToken))
        {
            throw new ConnectorException($"A connector named '{name}' already exists.", $"Reload it with 'portico connectors reload --name {name}', or remove it first.", StatusCodes.Status409Conflict);
        }

        // A connector's integration is named as the connector; a pack's own integration keeps its name.
        if (integrations?.IsDeclared(name) == true)
        {
            throw new ConnectorException($"The integration name '{name}' is taken by a pack.", "Pick another name for the connector.", StatusCodes.Status409Conflict);
        }

        // Both prefix tools with their name: one name for two sources would make their tools collide.
        if (await db.Set<UpstreamRecord>().AnyAsync(u => u.Name == name, cancellationToken))
        {
            throw new ConnectorException($"An upstream is named '{name}'; its tools use that prefix.", "Pick another name for the connector.", StatusCodes.Status409Conflict);
        }

        var now = time.GetUtcNow();
        var record = new ConnectorRecord { Name = name, SourceUrl = input.Url, BaseUrl = input.BaseUrl, Document = "", Hash = "", CreatedAt = now };
        await FillAsync(record, input.Document, by, cancellationToken);
        db.Set<ConnectorRecord>().Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>Reads the document again (the text given, else its URL) and updates the tools on every instance.</summary>
    public async Task<ConnectorRecord> ReloadAsync(string name, string? document, string? by, CancellationToken cancellationToken)
    {
        var record = await db.Set<ConnectorRecord>().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) ?? throw NotFound(name);
        if (document is null && record.SourceUrl is null)
        {
            throw new ConnectorException($"Connector '{name}' was added from a document, not a URL, so there is nothing to fetch.", "Give the new document (--file, or \"document\" in the body).");
        }

        await FillAsync(record, document, by, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    public async Task<IReadOnlyList<ConnectorRecord>> ListAsync(CancellationToken cancellationToken)
        => await db.Set<ConnectorRecord>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);

    public async Task<ConnectorRecord> GetAsync(string name, CancellationToken cancellationToken)
        => await db.Set<ConnectorRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) ?? throw NotFound(name);

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var record = await db.Set<ConnectorRecord>().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) ?? throw NotFound(name);
        db.Set<ConnectorRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task FillAsync(ConnectorRecord record, string? document, string? by, CancellationToken cancellationToken)
    {
        if (document is null && record.SourceUrl is null)
        {
            throw new ConnectorException("Give the OpenAPI document or the URL to fetch it from.", Hint);
        }

        var text = document ?? await FetchAsync(record.SourceUrl!, cancellationToken);
        var normalized = ConnectorDocument.Parse(text, maxDocumentBytes);
        var json = normalized.ToJsonString();
        // Built now so a document that cannot be served is refused here, with the reason, instead of stored.
        var definition = ConnectorDefinition.From(record.Name, normalized, record.SourceUrl, record.BaseUrl, "");
        if (http.Policy.RequestProblem(definition.BaseUrl) is { } problem)
        {
            throw new ConnectorException(problem, $"Give another base URL, or an operator allows it under {OutboundHttpOptions.Section(ConnectorHttp.Key)}.");
        }

        record.Document = json;
        record.Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = by;
    }

    private async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConnectorException($"'{url}' is not an absolute http(s) URL.", "Give the URL of the OpenAPI document, e.g. https://api.example.com/openapi.json.");
        }

        OutboundResponse response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("application/json, application/yaml;q=0.9, */*;q=0.5");
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // A refusal of the outbound policy says why in terms that are safe to show (never what a host resolves to).
            throw OutboundHttpException.Find(ex) is { } refused
                ? new ConnectorException($"The document could not be fetched: {refused.Message}", $"Check the URL; what connectors may reach is set under {OutboundHttpOptions.Section(ConnectorHttp.Key)}.")
                : new ConnectorException($"The document could not be fetched from '{url}': {ex.Message}", "Check the URL and that the server is up.");
        }

        if (!response.IsSuccess)
        {
            throw new ConnectorException($"'{url}' answered HTTP {(int)response.Status} {response.ReasonPhrase}.", "Check the URL.");
        }

        return Encoding.UTF8.GetString(response.Body);
    }

    private static ConnectorException NotFound(string name)
        => new($"No connector named '{name}'.", "List the connectors with 'portico connectors list' (or GET /admin/api/connectors).", StatusCodes.Status404NotFound);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
