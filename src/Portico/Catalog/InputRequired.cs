using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// Thrown by a tool or prompt handler (or the gateway on behalf of an upstream) that needs the client's input before it
/// can finish: the named requests (elicitation, sampling, roots) and the handler's own state it wants back next round.
/// The handler is re-entrant: the next round calls it again with the same arguments, the client's answers and that
/// state in <see cref="ClientInput"/>. Portico turns this into an <c>input_required</c> result for 2026-07-28 clients
/// (the state sealed into <c>requestState</c>) and into server→client requests for 2025-xx sessions, so the handler is
/// written once for both.
/// </summary>
/// <remarks>An exception rather than a result: the handler's return type stays the method's own result (a tool's
/// <see cref="CallToolResult"/>, a prompt's <see cref="GetPromptResult"/>), and asking ends the round wherever it happens.</remarks>
internal sealed class InputRequired : Exception
{
    public InputRequired(IReadOnlyDictionary<string, InputRequest> requests, JsonObject? state = null)
        : base($"The handler needs the client's input: {string.Join(", ", requests.Keys)}.")
    {
        if (requests.Count == 0 && state is null)
        {
            throw new ArgumentException("Ask for at least one input, or pass the state to be called again with.", nameof(requests));
        }

        Requests = requests;
        State = state;
    }

    /// <summary>One request: <c>throw InputRequired.Ask("user_name", InputRequest.ForElicitation(form))</c>.</summary>
    public static InputRequired Ask(string key, InputRequest request, JsonObject? state = null)
        => new(new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [key] = request }, state);

    /// <summary>What to ask, by the key the answer comes back under (keys are the handler's own names).</summary>
    public IReadOnlyDictionary<string, InputRequest> Requests { get; }

    /// <summary>What the handler wants back next round (sealed: the client can neither read nor change it).</summary>
    public JsonObject? State { get; }
}
