using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Toolsets;

/// <summary>
/// Creates, changes and deletes toolsets for the admin API, the CLI and the portal, validating every field. Each save is a
/// store change (<see cref="ToolsetTopics.Toolsets"/>): every instance drops its copy and tells the toolset's sessions.
/// </summary>
internal sealed class ToolsetAdmin(PorticoDbContext db, TimeProvider time)
{
    public const int MaxTools = 100;
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;

    public const string Hint = "A toolset is {\"name\":\"support\",\"title\":\"…\",\"tenantId\":null,\"tools\":[{\"tool\":\"<catalog name>\",\"name\":\"<optional new name>\"}]}; "
        + "catalog names are those tools/list shows on /mcp.";

    public async Task<IReadOnlyList<ToolsetRecord>> ListAsync(ToolsetScope scope, CancellationToken cancellationToken)
    {
        var query = db.Set<ToolsetRecord>().AsNoTracking();
        if (!scope.Any)
        {
            query = query.Where(t => t.TenantId == scope.TenantId);
        }

        return [.. (await query.ToListAsync(cancellationToken)).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    public async Task<ToolsetRecord> GetAsync(string name, ToolsetScope scope, CancellationToken cancellationToken)
        => await FindAsync(name, scope, tracked: false, cancellationToken);

    public async Task<ToolsetRecord> CreateAsync(ToolsetInput input, ToolsetScope scope, string? by, CancellationToken cancellationToken)
    {
        if (!ToolsetNames.IsValid(input.Name))
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, $"'{Shown(input.Name)}' is not a toolset name.",
                $"Use {ToolsetNames.Rule}: the name is the path of its endpoint, /toolsets/<name>/mcp.");
        }

        var owner = await OwnerAsync(input.TenantId, scope, cancellationToken);
        var (entries, title, description) = Validate(input);
        if (await db.Set<ToolsetRecord>().AnyAsync(t => t.Name == input.Name, cancellationToken))
        {
            throw new ToolsetException(StatusCodes.Status409Conflict, $"The toolset name '{input.Name}' is taken.",
                "Toolset names are one namespace across the server (they are endpoint paths): pick another name.");
        }

        var now = time.GetUtcNow();
        var record = new ToolsetRecord
        {
            Name = input.Name!,
            Title = title,
            Description = description,
            TenantId = owner,
            Entries = JsonSerializer.Serialize(entries, ToolsetJsonContext.Default.ListToolsetEntry),
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = by,
        };
        db.Set<ToolsetRecord>().Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>Replaces the title, description and tools; the name and the owner stay (a toolset moves by being created anew).</summary>
    public async Task<ToolsetRecord> UpdateAsync(string name, ToolsetInput input, ToolsetScope scope, string? by, CancellationToken cancellationToken)
    {
        var record = await FindAsync(name, scope, tracked: true, cancellationToken);
        if (input.Name is not null && input.Name != record.Name)
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, "A toolset cannot be renamed: its name is its endpoint's path, which clients hold.",
                "Create a toolset under the new name and delete this one.");
        }

        if (input.TenantId is not null && input.TenantId != record.TenantId)
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, "A toolset's owner cannot change.", "Create a toolset for the other owner and delete this one.");
        }

        var (entries, title, description) = Validate(input);
        record.Title = title;
        record.Description = description;
        record.Entries = JsonSerializer.Serialize(entries, ToolsetJsonContext.Default.ListToolsetEntry);
        record.UpdatedAt = time.GetUtcNow();
        record.UpdatedBy = by;
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    public async Task DeleteAsync(string name, ToolsetScope scope, CancellationToken cancellationToken)
    {
        var record = await FindAsync(name, scope, tracked: true, cancellationToken);
        db.Set<ToolsetRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The stored tools of <paramref name="record"/>; a row that does not parse (written by hand) serves no tools rather than failing every request.</summary>
    public static List<ToolsetEntry> EntriesOf(ToolsetRecord record)
    {
        try
        {
            return JsonSerializer.Deserialize(record.Entries, ToolsetJsonContext.Default.ListToolsetEntry) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<ToolsetRecord> FindAsync(string name, ToolsetScope scope, bool tracked, CancellationToken cancellationToken)
    {
        var set = tracked ? db.Set<ToolsetRecord>() : db.Set<ToolsetRecord>().AsNoTracking();
        var record = ToolsetNames.IsValid(name) ? await set.FirstOrDefaultAsync(t => t.Name == name, cancellationToken) : null;
        // Another owner's toolset is as absent as an unknown one: the answer names no toolset the caller may not manage.
        return record is not null && scope.Covers(record)
            ? record
            : throw new ToolsetException(StatusCodes.Status404NotFound, $"No toolset '{Shown(name)}'.", "List the toolsets you manage (GET /admin/api/toolsets, or run: portico toolsets list).");
    }

    private async Task<string?> OwnerAsync(string? requested, ToolsetScope scope, CancellationToken cancellationToken)
    {
        var owner = string.IsNullOrWhiteSpace(requested) ? (scope.Any ? null : scope.TenantId) : requested.Trim();
        if (!scope.Any && owner != scope.TenantId)
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, "You can create toolsets only for the owner you manage here.",
                scope.TenantId is null ? "Leave the tenant empty: this page manages global toolsets." : "Leave the tenant empty: the toolset belongs to this tenant.");
        }

        if (owner is not null && !await db.Set<TenantRecord>().AnyAsync(t => t.Id == owner, cancellationToken))
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, $"No tenant '{Shown(owner)}'.", "List the tenants with 'portico tenants list', or leave tenantId out for a global toolset.");
        }

        return owner;
    }

    private static (List<ToolsetEntry> Entries, string? Title, string? Description) Validate(ToolsetInput input)
    {
        var title = Text(input.Title, "title", MaxTitleLength, multiline: false);
        var description = Text(input.Description, "description", MaxDescriptionLength, multiline: true);
        var tools = input.Tools ?? [];
        if (tools.Count is 0 or > MaxTools)
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, $"A toolset has 1–{MaxTools} tools; this one has {tools.Count}.", Hint);
        }

        var entries = new List<ToolsetEntry>(tools.Count);
        var catalogNames = new HashSet<string>(StringComparer.Ordinal);
        var exposedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            var catalogName = tool?.Tool?.Trim();
            if (catalogName is null || !ToolNames.IsValid(catalogName))
            {
                throw new ToolsetException(StatusCodes.Status400BadRequest, $"'{Shown(catalogName)}' is not a tool name.",
                    $"Give each tool by its catalog name as tools/list on /mcp shows it ({ToolNames.MaxLength} characters at most of A–Z a–z 0–9 _ - . /).");
            }

            var name = string.IsNullOrWhiteSpace(tool!.Name) ? null : tool.Name.Trim();
            if (name is not null && !ToolNames.IsValid(name))
            {
                throw new ToolsetException(StatusCodes.Status400BadRequest, $"'{Shown(name)}' (for '{catalogName}') is not a valid tool name.",
                    $"An override name is 1–{ToolNames.MaxLength} characters of A–Z a–z 0–9 _ - . / like any tool name.");
            }

            if (!catalogNames.Add(catalogName))
            {
                throw new ToolsetException(StatusCodes.Status400BadRequest, $"'{catalogName}' is in the toolset twice.", "List each tool once.");
            }

            var entry = new ToolsetEntry
            {
                Tool = catalogName,
                Name = name == catalogName ? null : name,
                Title = Text(tool.Title, $"title of '{catalogName}'", MaxTitleLength, multiline: false),
                Description = Text(tool.Description, $"description of '{catalogName}'", MaxDescriptionLength, multiline: true),
            };
            if (!exposedNames.Add(entry.ExposedName))
            {
                throw new ToolsetException(StatusCodes.Status400BadRequest, $"Two tools of the toolset are named '{entry.ExposedName}'.",
                    "Names in a toolset are unique: rename one of them (its override 'name').");
            }

            entries.Add(entry);
        }

        return (entries, title, description);
    }

    private static string? Text(string? value, string what, int maxLength, bool multiline)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, $"The {what} is {trimmed.Length} characters long; at most {maxLength} are allowed.", "Shorten it.");
        }

        if (trimmed.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            throw new ToolsetException(StatusCodes.Status400BadRequest, $"The {what} contains control characters.",
                multiline ? "Use plain text; line breaks and tabs are fine." : "Use one line of plain text.");
        }

        return trimmed;
    }

    /// <summary>A caller's string quoted back: short and without control characters, whatever was sent.</summary>
    private static string Shown(string? value)
        => value is null ? "" : Hosting.LogValue.Safe(value.Length > 80 ? value[..80] + "…" : value);
}
