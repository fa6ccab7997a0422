using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;

namespace Portico.Tests.Catalog.SamplePack;

/// <summary>
/// A sample tenant pack, written as a new pack would be: this class (its tools), <see cref="Note"/> and
/// <see cref="NoteConfiguration"/>, registered with <c>services.AddMcpPack&lt;NotesPack&gt;()</c> and nothing else.
/// </summary>
internal sealed class NotesPack(IServiceScopeFactory scopes) : TenantPack<Note, NoteConfiguration>(scopes)
{
    public override string Name => "notes";

    protected override IEnumerable<TenantTool<Note>> Tools =>
    [
        new(new Tool
        {
            Name = "add_note",
            Description = "Adds a note to the group.",
            InputSchema = Schema("""{ "type": "object", "properties": { "text": { "type": "string", "minLength": 1, "maxLength": 200 } }, "required": ["text"], "additionalProperties": false }"""),
        }, AddAsync) { RequiredScope = Scopes.Write("content"), Write = true, Examples = [new JsonObject { ["text"] = "Call Ann" }] },
        new(new Tool
        {
            Name = "list_notes",
            Description = "Lists the group's notes.",
            InputSchema = Schema("""{ "type": "object", "additionalProperties": false }"""),
        }, ListAsync) { RequiredScope = Scopes.Read("content") },
        new(new Tool
        {
            Name = "delete_note",
            Description = "Deletes a note of the group.",
            InputSchema = Schema("""{ "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"], "additionalProperties": false }"""),
        }, DeleteAsync) { RequiredScope = Scopes.Write("content"), Write = true },
    ];

    private static async ValueTask<CallToolResult> AddAsync(ToolInvocation invocation, TenantData<Note> notes, CancellationToken cancellationToken)
    {
        var note = new Note { Id = Ids.New(), Text = invocation.GetString("text")! };
        notes.Add(note);
        await notes.SaveChangesAsync(cancellationToken);
        return ToolResults.Structured($"Added note {note.Id}.", new JsonObject { ["id"] = note.Id, ["tenantId"] = note.TenantId });
    }

    private static async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, TenantData<Note> notes, CancellationToken cancellationToken)
    {
        var rows = await notes.Rows.AsNoTracking().OrderBy(n => n.Id).ToListAsync(cancellationToken);
        return ToolResults.Structured($"{rows.Count} note(s).", new JsonObject
        {
            ["tenantId"] = notes.TenantId,
            ["notes"] = new JsonArray([.. rows.Select(n => new JsonObject { ["id"] = n.Id, ["text"] = n.Text })]),
        });
    }

    private static async ValueTask<CallToolResult> DeleteAsync(ToolInvocation invocation, TenantData<Note> notes, CancellationToken cancellationToken)
    {
        var id = invocation.GetString("id");
        var deleted = await notes.Rows.Where(n => n.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1
            ? ToolResults.Structured($"Deleted note {id}.", new JsonObject { ["deleted"] = id })
            : ToolError.Result("NOT_FOUND", $"No note '{id}' in group '{notes.TenantId}'.", "Call list_notes for the group's notes.", invocation.Call.RequestId);
    }

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
